// The control plane's records (SPEC §6) as a store keeps them: clients
// made at runtime, their keys (a secret only sealed under the master key),
// admin credentials (a digest only) and the audit log. The store keeps
// them and applies each change atomically with its audit event; what they
// mean (roles, readiness, sealing) is the API's business.
import type {MaybePromise} from './store';

/** A client made through the admin API. `revision` counts its changes, its keys' included: a write names the revision it read. */
export type RegistryClient = {
	token: string;
	name: string;
	enforce: boolean;
	allowedOrigins: string[];
	createdAt: string;
	updatedAt: string;
	revision: number;
};

/** What a key proves: hashes, or identity tokens (a key has one use). */
export type KeyUse = 'hash' | 'token';

/**
 * A key of a registry client. A secret is kept only `sealed` (AES-256-GCM
 * under the master key, its client and id bound as associated data); a
 * public key as its JWK.
 */
export type RegistryKey = {
	clientToken: string;
	id: string;
	type: 'secret' | 'public';
	use: KeyUse;
	status: 'active' | 'retired';
	/** First 16 hex characters of SHA-256 of the secret's text, or of a public key's thumbprint input. */
	fingerprint: string;
	sealed: string | null;
	jwk: Record<string, unknown> | null;
	createdAt: string;
	retiredAt: string | null;
	lastUsedAt: string | null;
};

/** Who may do what in the admin API. */
export type AdminRole = 'owner' | 'admin' | 'viewer';

/** An admin credential: only the SHA-256 of its key (hex) is kept. */
export type AdminCredential = {
	id: string;
	name: string;
	role: AdminRole;
	digest: string;
	createdAt: string;
	revokedAt: string | null;
};

/** One change, as the audit log keeps it: never a secret or a credential. */
export type AuditEvent = {
	at: string;
	actor: {id: string; role: AdminRole};
	action: string;
	clientToken?: string;
	keyId?: string;
	/** The fields changed, with their old and new values (non-secret fields only). */
	changes?: Record<string, {from: unknown; to: unknown}>;
};

/** Everything the registry holds but the audit log, and its version: what an API instance keeps in memory. */
export type Registry = {clients: RegistryClient[]; keys: RegistryKey[]; credentials: AdminCredential[]; version: number};

/**
 * One change to the registry, applied with its audit event in one step.
 * With `client`, the write goes on only if the stored client's revision is
 * `expectedRevision` (`null`: there must be none), and the client is then
 * stored with the revision one higher; `keys` are put (inserted or
 * replaced by client and id) and `deleteKeys` removed, all of that client.
 * `credential` is put by its id. The registry's version goes up by one.
 *
 * @example
 * await store.writeRegistry({client: {...client, enforce: true}, expectedRevision: client.revision}, event);
 */
export type RegistryWrite = {
	client?: RegistryClient;
	expectedRevision?: number | null;
	keys?: RegistryKey[];
	deleteKeys?: string[];
	credential?: AdminCredential;
};

/** What {@link RegistryStore.writeRegistry} answers: applied, or nothing changed because the client moved on (or was never there). */
export type RegistryWriteResult = 'ok' | 'conflict';

/**
 * The methods a store needs for the control plane (`admin` in the
 * handler's configuration). Each is atomic on its own, and several API
 * processes may share them.
 *
 * @example
 * const {clients, keys, version} = await store.readRegistry();
 */
export type RegistryStore = {
	/** The whole registry (clients, keys, credentials) and its version. */
	readRegistry(): MaybePromise<Registry>;
	/** The version alone: a change anywhere makes it higher. Cheap enough to ask every second. */
	registryVersion(): MaybePromise<number>;
	/** Applies one change and records its event, both or neither (see {@link RegistryWrite}). */
	writeRegistry(write: RegistryWrite, event: AuditEvent): MaybePromise<RegistryWriteResult>;
	/** Sets `lastUsedAt` of keys (never lower than it was); changes no version. */
	touchKeys(uses: Array<{clientToken: string; keyId: string; at: string}>): MaybePromise<void>;
	/** Audit events, newest first, of one client or of all. */
	auditEvents(filter: {clientToken?: string; limit: number}): MaybePromise<AuditEvent[]>;
	/**
	 * Optional: calls `onChange` soon after any process wrote the registry
	 * (PostgreSQL's LISTEN/NOTIFY), and answers how to stop. A process then
	 * serves a change at once; without it, or when a notice is lost (a
	 * dropped connection), the poll of `registryVersion` still catches up.
	 */
	watchRegistry?(onChange: () => void): () => void;
};

/**
 * Throws a TypeError, before anything changes, for a write whose keys are
 * not all of its client: keys are put and deleted only with their client,
 * whose revision guards them. Every store checks this, so that no store
 * takes a write another would refuse.
 *
 * @example
 * checkRegistryWrite({client, expectedRevision: 1, keys: [key]}); // throws if key.clientToken !== client.token
 */
export function checkRegistryWrite({client, keys = [], deleteKeys = []}: RegistryWrite): void {
	if ((keys.length > 0 || deleteKeys.length > 0) && (client === undefined || keys.some((key) => key.clientToken !== client.token))) {
		throw new TypeError('writeRegistry: keys are written with their client, and only that client');
	}
}

/**
 * The {@link RegistryStore} methods, as the handler checks a store for them.
 *
 * @example
 * REGISTRY_METHODS.every((method) => typeof store[method] === 'function')
 */
export const REGISTRY_METHODS = ['readRegistry', 'registryVersion', 'writeRegistry', 'touchKeys', 'auditEvents'] as const;

// The control plane's state in one API process: the registry read from the
// store, its clients made into the clients the handler serves (beside the
// configuration's), and the admin credentials. Reloaded when the registry's
// version moves, so a change made through any instance sharing the store
// applies here within a poll.
import {createHash, timingSafeEqual} from 'node:crypto';
import {type Client, clientFrom} from '../config/client';
import type {AdminSettings} from '../config/admin';
import type {Settings} from '../config/settings';
import type {AdminCredential, AdminRole, Registry, RegistryKey, RegistryStore} from '../store/registry';
import type {IdentityStore} from '../store/store';
import {keyId} from '../verify/secrets';
import {publicKeyText, type PublicJwk} from '../verify/token-keys';
import {openSecret} from './sealed-secrets';

/** Who made an admin call: a credential of the registry, or the owner key of the configuration (id `owner`). */
export type Actor = {id: string; name: string; role: AdminRole};

/** How often a process asks the store whether the registry changed. @example REGISTRY_POLL_MS // 1000 */
export const REGISTRY_POLL_MS = 1000;

/** How often the keys' `lastUsedAt` reach the store: at most once a minute per key. */
const KEY_USE_FLUSH_MS = 60_000;

/**
 * One process's view of the registry. `ready` settles once the registry
 * was read and every sealed secret opened: it rejects (naming the master
 * key) when one does not, before any call is answered with a wrong key set.
 *
 * @example
 * const control = new ControlPlane(settings, store, {ownerKey, masterKey});
 * await control.ready;
 */
export class ControlPlane {
	readonly ready: Promise<void>;
	readonly store: IdentityStore & RegistryStore;
	readonly masterKey: Buffer;
	/** The registry as last read. */
	registry: Registry = {clients: [], keys: [], credentials: [], version: -1};
	readonly #settings: Settings;
	readonly #configClients: Map<string, Client>;
	readonly #ownerDigest: Buffer;
	#credentials = new Map<string, AdminCredential>();
	/** Each served registry client's key uses since the last flush: fingerprint → ms, with its registry ids. */
	#usage: Usage[] = [];
	#loading: Promise<void> | undefined;
	#timers: Array<ReturnType<typeof setInterval>> = [];
	#unwatch: (() => void) | undefined;

	readonly #variables: AdminSettings['variables'];

	constructor(settings: Settings, store: IdentityStore & RegistryStore, {ownerKey, masterKey, pollMs = REGISTRY_POLL_MS, variables}: Omit<AdminSettings, 'pollMs'> & {pollMs?: number}) {
		this.#variables = variables;
		this.#settings = settings;
		this.#configClients = new Map(settings.clients);
		this.store = store;
		this.masterKey = masterKey;
		this.#ownerDigest = digest(ownerKey);
		this.ready = this.refresh();
		this.ready.catch(() => {});
		// Unref'd: a handler never keeps a process alive on its own.
		this.#timers.push(setInterval(() => void this.#poll(), pollMs).unref(), setInterval(() => void this.flushKeyUses(), KEY_USE_FLUSH_MS).unref());
		// A store that tells of changes (LISTEN/NOTIFY) makes them apply at once; the poll stays for what a notice misses.
		this.#unwatch = store.watchRegistry?.(() => void this.#poll());
	}

	/**
	 * Reads the registry again and serves its clients, now: after this
	 * process's own change, or when the version moved. Throws when a sealed
	 * secret does not open (the settings keep what they had).
	 */
	refresh(): Promise<void> {
		// One read at a time; a call meanwhile waits for it and reads again.
		const loading = (this.#loading ?? Promise.resolve()).then(async () => this.#apply(await this.store.readRegistry()));
		this.#loading = loading.catch(() => {});
		return loading;
	}

	/** The credential whose key `bearer` is, or undefined: a wrong, revoked or missing key alike, compared by digest. */
	authenticate(bearer: string | undefined): Actor | undefined {
		if (bearer === undefined) {
			return undefined;
		}

		const given = digest(bearer);
		if (timingSafeEqual(given, this.#ownerDigest)) {
			return {id: 'owner', name: 'owner', role: 'owner'};
		}

		const credential = this.#credentials.get(given.toString('hex'));
		return credential === undefined ? undefined : {id: credential.id, name: credential.name, role: credential.role};
	}

	/** The configuration's client of this token (read-only through the admin API), if any. */
	configClient(token: string): Client | undefined {
		return this.#configClients.get(token);
	}

	/** Every configuration client. */
	configClients(): Client[] {
		return [...this.#configClients.values()];
	}

	/** Writes the keys used since the last flush (`lastUsedAt`): a write per key per minute at most, never per identify. */
	async flushKeyUses(): Promise<void> {
		const uses: Array<{clientToken: string; keyId: string; at: string}> = [];
		for (const {token, ids, used} of this.#usage) {
			used.forEach((ms, fingerprint) => {
				const keyId = ids.get(fingerprint);
				if (keyId !== undefined) {
					uses.push({clientToken: token, keyId, at: new Date(ms).toISOString()});
				}
			});
			used.clear();
		}

		// The clients served now; those replaced since were flushed just above.
		this.#usage = this.#usage.filter((usage) => this.#settings.clients.get(usage.token)?.keyUsed === usage.note);
		if (uses.length > 0) {
			await Promise.resolve(this.store.touchKeys(uses)).catch(() => {});
		}
	}

	/** Stops the timers (tests, and a process that shuts its API down). */
	close(): void {
		this.#timers.forEach((timer) => clearInterval(timer));
		this.#unwatch?.();
	}

	async #poll(): Promise<void> {
		try {
			if ((await this.store.registryVersion()) !== this.registry.version) {
				await this.refresh();
			}
		} catch {
			// The store is down or a secret does not open: the clients stay as they were, and the next poll tries again.
		}
	}

	#apply(registry: Registry): void {
		const clients = new Map(this.#configClients);
		// Keys by client once, not a scan of every key per client.
		const keysOf = new Map<string, RegistryKey[]>();
		for (const key of registry.keys) {
			const list = keysOf.get(key.clientToken);
			if (list === undefined) {
				keysOf.set(key.clientToken, [key]);
			} else {
				list.push(key);
			}
		}

		for (const record of registry.clients) {
			if (!clients.has(record.token)) {
				clients.set(record.token, this.#clientOf(record.token, record.enforce, record.allowedOrigins, keysOf.get(record.token) ?? []));
			}
		}

		const origins = new Set<string>();
		clients.forEach((client) => client.origins.forEach((origin) => origins.add(origin)));
		// Replaced whole, never changed in place: a call in flight keeps the clients it started with.
		this.#settings.clients = clients;
		this.#settings.origins = origins;
		this.#credentials = new Map(registry.credentials.filter((credential) => credential.revokedAt === null).map((credential) => [credential.digest, credential]));
		this.registry = registry;
	}

	#clientOf(token: string, enforce: boolean, allowedOrigins: string[], keys: RegistryKey[]): Client {
		const opened = keys.map((key) => ({key, secret: key.sealed === null ? undefined : this.#open(key)}));
		const secrets = (use: string, status: string) => opened.filter(({key, secret}) => secret !== undefined && key.use === use && key.status === status).map(({secret}) => secret!);
		const publicKeys = keys.filter((key) => key.type === 'public' && key.status === 'active').map((key) => key.jwk as PublicJwk);
		const variables = this.#variables;
		const client = clientFrom(
			token,
			{
				secrets: secrets('hash', 'active'),
				tokenSecrets: secrets('token', 'active'),
				publicKeys,
				retiredSecrets: secrets('hash', 'retired'),
				enforce,
				allowedOrigins,
				variables: variables === undefined ? undefined : (userId) => variables(userId, token),
			},
			'registry',
		);
		// Sessions name a key by its fingerprint (keyId): which registry key that is, for lastUsedAt.
		const ids = new Map(opened.map(({key, secret}) => [keyId(secret ?? publicKeyText(key.jwk as PublicJwk)), key.id]));
		// On the identify path: one Map write of a number, the rest waits for the flush.
		const used = new Map<string, number>();
		const note = (fingerprint: string) => {
			used.set(fingerprint, Date.now());
		};

		client.keyUsed = note;
		this.#usage.push({token, ids, used, note});
		return client;
	}

	#open(key: RegistryKey): string {
		const secret = openSecret(this.masterKey, key.clientToken, key.id, key.sealed!);
		if (secret === undefined) {
			throw new TypeError(`admin.masterKey cannot open the stored key ${key.id} of client ${JSON.stringify(key.clientToken)}: it is not the master key the keys were sealed with (SIGNET_MASTER_KEY)`);
		}

		return secret;
	}
}

/** One registry client's key uses: fingerprints to registry key ids, and when each was last used (ms). */
type Usage = {token: string; ids: Map<string, string>; used: Map<string, number>; note: (fingerprint: string) => void};

function digest(text: string): Buffer {
	return createHash('sha256').update(text, 'utf8').digest();
}

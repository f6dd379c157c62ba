// What every admin route is given, and how a change to one client is
// applied: read fresh from the store, decided, written guarded by the
// client's revision, and tried again when another change came first, so
// two admins changing one client at once lose neither change.
import type {Settings} from '../../config/settings';
import type {Actor, ControlPlane} from '../../control/control-plane';
import type {AuditEvent, RegistryClient, RegistryKey} from '../../store/registry';
import {errorReply, type Reply} from '../reply';

/** One admin call, authenticated: who asks, and what the routes need. */
export type AdminCall = {
	control: ControlPlane;
	settings: Settings;
	actor: Actor;
	now: Date;
	query: URLSearchParams;
	/** The parsed JSON body (routes that take one). */
	body: unknown;
};

/** What a route decided for one client: the write (client fields, keys), its audit event, and the answer once written. */
export type ClientChange = {
	client?: Partial<Pick<RegistryClient, 'name' | 'enforce' | 'allowedOrigins'>>;
	keys?: RegistryKey[];
	deleteKeys?: string[];
	event: Omit<AuditEvent, 'at' | 'actor' | 'clientToken'>;
	answer: (client: RegistryClient, keys: RegistryKey[]) => Reply;
};

// Attempts at a change that keeps meeting newer revisions: more means the
// client is being changed in a loop, and the caller had better look again.
const ATTEMPTS = 4;

/**
 * Applies `decide`'s change to the registry client `token`, or answers its
 * refusal: 404 for no such client, 409 `config_client` for one of the
 * configuration. The write and its audit event are one step, guarded by
 * the revision read; this process serves the change before answering.
 *
 * @example
 * return changeClient(call, token, (client) => ({client: {name}, event: {action: 'client.update'}, answer: …}));
 */
export async function changeClient(call: AdminCall, token: string, decide: (client: RegistryClient, keys: RegistryKey[]) => ClientChange | Reply | Promise<ClientChange | Reply>): Promise<Reply> {
	const {control, actor, now} = call;
	for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
		const registry = await control.store.readRegistry();
		const client = registry.clients.find((entry) => entry.token === token);
		if (client === undefined) {
			return control.configClient(token) === undefined ? notFound('client') : configClient();
		}

		const keys = registry.keys.filter((key) => key.clientToken === token);
		const change = await decide(client, keys);
		if ('status' in change) {
			return change;
		}

		const at = now.toISOString();
		const changed: RegistryClient = {...client, ...change.client, updatedAt: at};
		const event: AuditEvent = {...change.event, at, actor: {id: actor.id, role: actor.role}, clientToken: token};
		const written = await control.store.writeRegistry({client: changed, expectedRevision: client.revision, keys: change.keys, deleteKeys: change.deleteKeys}, event);
		if (written === 'ok') {
			// Written is done: this process serves it now, or at its next poll if reading fails.
			await control.refresh().catch(() => {});
			const deleted = new Set(change.deleteKeys);
			const put = new Map((change.keys ?? []).map((key) => [key.id, key]));
			const after = [...keys.filter((key) => !deleted.has(key.id) && !put.has(key.id)), ...put.values()];
			return change.answer({...changed, revision: client.revision + 1}, after);
		}
	}

	return errorReply(409, 'conflict', 'the client kept changing while this change was applied: read it again and retry');
}

/**
 * The changed fields of `before` and `after`, old and new values: what the audit log records.
 *
 * @example
 * changesOf({enforce: false}, {enforce: true}) // {enforce: {from: false, to: true}}
 */
export function changesOf(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, {from: unknown; to: unknown}> {
	const changes: Record<string, {from: unknown; to: unknown}> = {};
	for (const [field, value] of Object.entries(after)) {
		if (value !== undefined && JSON.stringify(value) !== JSON.stringify(before[field])) {
			changes[field] = {from: before[field], to: value};
		}
	}

	return changes;
}

/**
 * 404 `not_found` for a thing the path names that does not exist.
 *
 * @example
 * return notFound('key');
 */
export function notFound(what: string): Reply {
	return errorReply(404, 'not_found', `no such ${what}`);
}

/**
 * 409 `config_client`: a client of the configuration is changed in code, not here.
 *
 * @example
 * return configClient();
 */
export function configClient(): Reply {
	return errorReply(409, 'config_client', 'this client comes from the configuration (clients in code): change it there; only registry clients change through the admin API');
}

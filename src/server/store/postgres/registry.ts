// The control plane's registry in PostgreSQL (RegistryStore in
// ../registry.ts): what PostgresStore's registry methods run, each one
// statement of statements/registry.ts, so every API process sharing the
// database reads and writes the same registry.
import {type AuditEvent, checkRegistryWrite, type Registry, type RegistryKey, type RegistryWrite, type RegistryWriteResult} from '../registry';
import {runNamed, type PostgresPool} from './pool';
import {toAdminCredential, toAuditEvent, toRegistryClient, toRegistryKey} from './rows';
import {AUDIT_EVENTS, CLIENT_AUDIT_EVENTS, READ_REGISTRY, REGISTRY_VERSION, TOUCH_KEYS, WRITE_REGISTRY} from './statements/registry';

/**
 * The whole registry and its version, from one snapshot (one statement).
 *
 * @example
 * const {clients, keys, credentials, version} = await readRegistry(pool);
 */
export async function readRegistry(pool: PostgresPool): Promise<Registry> {
	const {rows} = await runNamed(pool, 'signet_read_registry', READ_REGISTRY, []);
	const [{version, clients, keys, credentials}] = rows;
	return {
		clients: clients.map(toRegistryClient),
		keys: keys.map(toRegistryKey),
		credentials: credentials.map(toAdminCredential),
		// bigint comes as text; a version stays far below 2^53.
		version: Number(version),
	};
}

/**
 * The registry's version alone, one row by its primary key.
 *
 * @example
 * if ((await registryVersion(pool)) !== seen) reload();
 */
export async function registryVersion(pool: PostgresPool): Promise<number> {
	const {rows} = await runNamed(pool, 'signet_registry_version', REGISTRY_VERSION, []);
	return Number(rows[0].version);
}

/**
 * Applies one registry write with its audit event in one statement (see
 * WRITE_REGISTRY): 'ok', or 'conflict' when the client's revision was not
 * the expected one and nothing changed. A write whose keys are not all of
 * its client throws a TypeError before any statement.
 *
 * @example
 * await writeRegistry(pool, {client, expectedRevision: null, keys: [key]}, event); // 'ok'
 */
export async function writeRegistry(pool: PostgresPool, write: RegistryWrite, event: AuditEvent): Promise<RegistryWriteResult> {
	checkRegistryWrite(write);
	const {client, expectedRevision = null, keys = [], deleteKeys = [], credential} = write;
	const values = [
		JSON.stringify(keys.map(keyRow)),
		client === undefined ? null : JSON.stringify({token: client.token, name: client.name, enforce: client.enforce, allowed_origins: client.allowedOrigins, created_at: client.createdAt, updated_at: client.updatedAt}),
		// Without a client there is no guard: the statement ignores it.
		client === undefined ? null : expectedRevision,
		deleteKeys,
		credential === undefined ? null : JSON.stringify({id: credential.id, name: credential.name, role: credential.role, digest: credential.digest, created_at: credential.createdAt, revoked_at: credential.revokedAt}),
		JSON.stringify(eventRow(event)),
	];
	const {rows} = await runNamed(pool, 'signet_write_registry', WRITE_REGISTRY, values);
	return rows.length === 0 ? 'conflict' : 'ok';
}

/**
 * Moves keys' `lastUsedAt` forward in one statement for all the uses
 * (none: no statement).
 *
 * @example
 * await touchKeys(pool, [{clientToken, keyId, at: '2026-11-21T13:00:00.000Z'}]);
 */
export async function touchKeys(pool: PostgresPool, uses: Array<{clientToken: string; keyId: string; at: string}>): Promise<void> {
	if (uses.length === 0) {
		return;
	}

	const rows = uses.map(({clientToken, keyId, at}) => ({client_token: clientToken, key_id: keyId, at}));
	await runNamed(pool, 'signet_touch_keys', TOUCH_KEYS, [JSON.stringify(rows)]);
}

/**
 * Audit events, newest first, of one client or of all, at most `limit`.
 *
 * @example
 * const events = await auditEvents(pool, {clientToken, limit: 50});
 */
export async function auditEvents(pool: PostgresPool, {clientToken, limit}: {clientToken?: string; limit: number}): Promise<AuditEvent[]> {
	const {rows} =
		clientToken === undefined
			? await runNamed(pool, 'signet_audit_events', AUDIT_EVENTS, [limit])
			: await runNamed(pool, 'signet_client_audit_events', CLIENT_AUDIT_EVENTS, [clientToken, limit]);
	return rows.map(toAuditEvent);
}

// A key as a row of WRITE_REGISTRY's input (see KEY): the JWK stays an
// object, which JSON carries into the jsonb column as it is.
function keyRow(key: RegistryKey) {
	return {
		client_token: key.clientToken,
		id: key.id,
		type: key.type,
		use: key.use,
		status: key.status,
		fingerprint: key.fingerprint,
		sealed: key.sealed,
		jwk: key.jwk,
		created_at: key.createdAt,
		retired_at: key.retiredAt,
		last_used_at: key.lastUsedAt,
	};
}

// An event as WRITE_REGISTRY's $6: its optional fields null when absent.
function eventRow({at, actor, action, clientToken, keyId, changes}: AuditEvent) {
	return {at, actor_id: actor.id, actor_role: actor.role, action, client_token: clientToken ?? null, key_id: keyId ?? null, changes: changes ?? null};
}

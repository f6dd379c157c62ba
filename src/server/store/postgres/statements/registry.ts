// The SQL of the control plane's registry (../../registry.ts): each method
// is one statement, so a write is all or nothing without a transaction
// held open across round trips, and a read sees one snapshot. Times go
// out as ISO text (isoText) and come in as ISO text, which timestamptz
// parses: the API neither formats nor parses a date.
import {input, isoText} from './fragments';

/** The columns of a `signet_clients` row, times as ISO text (see `toRegistryClient`). @example `SELECT ${CLIENT_COLUMNS} FROM signet_clients` */
export const CLIENT_COLUMNS = ['token', 'name', 'enforce', 'allowed_origins', isoText('created_at'), isoText('updated_at'), 'revision'].join(', ');

/** The columns of a `signet_keys` row, times as ISO text (see `toRegistryKey`). @example `SELECT ${KEY_COLUMNS} FROM signet_keys` */
export const KEY_COLUMNS = [
	'client_token',
	'id',
	'type',
	'use',
	'status',
	'fingerprint',
	'sealed',
	'jwk',
	isoText('created_at'),
	isoText('retired_at'),
	isoText('last_used_at'),
].join(', ');

/** The columns of a `signet_credentials` row, times as ISO text (see `toAdminCredential`). @example `SELECT ${CREDENTIAL_COLUMNS} FROM signet_credentials` */
export const CREDENTIAL_COLUMNS = ['id', 'name', 'role', 'digest', isoText('created_at'), isoText('revoked_at')].join(', ');

/** The columns of a `signet_audit_events` row, its time as ISO text (see `toAuditEvent`). @example `SELECT ${AUDIT_COLUMNS} FROM signet_audit_events` */
export const AUDIT_COLUMNS = [isoText('at'), 'actor_id', 'actor_role', 'action', 'client_token', 'key_id', 'changes'].join(', ');

// Each table as one JSON array of its rows (as the *_COLUMNS name them),
// in a stable order: '[]' when empty.
const rowsOf = (table: string, columns: string, order: string) => `(SELECT coalesce(json_agg(r ORDER BY ${order}), '[]') FROM (SELECT ${columns} FROM ${table}) AS r)`;

/**
 * The whole registry and its version, in one SELECT: one snapshot, so a
 * client's keys and the version always belong together (no REPEATABLE READ
 * transaction, no second round trip). One row: `version` (bigint, as text)
 * and `clients`, `keys`, `credentials` (JSON arrays of rows).
 *
 * @example
 * const {rows} = await pool.query({name: 'signet_read_registry', text: READ_REGISTRY});
 */
export const READ_REGISTRY = `SELECT (SELECT version FROM signet_registry_version) AS version,
	${rowsOf('signet_clients', CLIENT_COLUMNS, 'r.created_at, r.token')} AS clients,
	${rowsOf('signet_keys', KEY_COLUMNS, 'r.client_token, r.created_at, r.id')} AS keys,
	${rowsOf('signet_credentials', CREDENTIAL_COLUMNS, 'r.created_at, r.id')} AS credentials`;

/** The registry's version alone: one row of the one-row table, cheap to ask every second. @example await pool.query({text: REGISTRY_VERSION}); // [{version: '12'}] */
export const REGISTRY_VERSION = 'SELECT version FROM signet_registry_version';

/** The channel a write notifies with the registry's new version as payload, for a process that LISTENs. @example await client.query(`LISTEN ${REGISTRY_CHANNEL}`); */
export const REGISTRY_CHANNEL = 'signet_registry';

/**
 * The columns of a key in `input` (keyRow in ../registry.ts writes them).
 *
 * @example
 * `WITH ${input(KEY)} SELECT id FROM input`
 */
export const KEY: Array<[string, string]> = [
	['client_token', 'text'],
	['id', 'text'],
	['type', 'text'],
	['use', 'text'],
	['status', 'text'],
	['fingerprint', 'text'],
	['sealed', 'text'],
	['jwk', 'jsonb'],
	['created_at', 'timestamptz'],
	['retired_at', 'timestamptz'],
	['last_used_at', 'timestamptz'],
];

/**
 * One registry write and its audit event, all or nothing, in one
 * statement: the client's revision guard, the client (revision + 1), its
 * keys put and deleted, a credential put, the event, the version + 1, and
 * a NOTIFY on {@link REGISTRY_CHANNEL} sent when it commits. Answers one
 * row (the new version) when it applied, none on a conflict.
 *
 * The guard holds between processes under READ COMMITTED: `created` is an
 * INSERT … ON CONFLICT DO NOTHING, which waits for a concurrent insert of
 * the token and then does nothing; `updated` names the revision in its
 * WHERE, which PostgreSQL evaluates again on the newest row once a
 * concurrent writer's lock is released, so the second of two writers that
 * read one revision updates nothing. Every other change waits on `bumped`
 * (the version row, updated only when the guard held), which fixes the
 * order of locks in every write: the client's row, the version row, then
 * keys put in key order (as touchKeys locks them), keys deleted, and the
 * credential. So writes are serialised by the version row, never deadlock
 * on it, and the audit log's ids follow the order of commits.
 *
 * Parameters: $1 the keys to put (JSON array, see {@link KEY}); $2 the
 * client (JSON object) or null; $3 the expected revision (null: the client
 * must not exist); $4 the ids of keys to delete; $5 the credential (JSON
 * object) or null; $6 the event (JSON object).
 *
 * @example
 * const {rows} = await pool.query({name: 'signet_write_registry', text: WRITE_REGISTRY, values}); // [] → conflict
 */
export const WRITE_REGISTRY = `
WITH ${input(KEY)}, client AS (
	-- jsonb_to_record(NULL) is one row of nulls: a write without a client has none.
	SELECT * FROM jsonb_to_record($2::jsonb) AS c(token text, name text, enforce boolean, allowed_origins text[], created_at timestamptz, updated_at timestamptz)
	WHERE token IS NOT NULL
), created AS (
	INSERT INTO signet_clients (token, name, enforce, allowed_origins, created_at, updated_at, revision)
	SELECT token, name, enforce, allowed_origins, created_at, updated_at, 1 FROM client WHERE $3::integer IS NULL
	ON CONFLICT (token) DO NOTHING
	RETURNING token
), updated AS (
	UPDATE signet_clients AS s SET name = c.name, enforce = c.enforce, allowed_origins = c.allowed_origins,
		created_at = c.created_at, updated_at = c.updated_at, revision = s.revision + 1
	FROM client AS c WHERE s.token = c.token AND s.revision = $3::integer
	RETURNING s.token
), bumped AS (
	UPDATE signet_registry_version SET version = version + 1
	WHERE NOT EXISTS (SELECT 1 FROM client) OR EXISTS (SELECT 1 FROM created) OR EXISTS (SELECT 1 FROM updated)
	RETURNING version
), put_keys AS (
	-- A key both put and deleted is deleted, as the memory store does: a row
	-- changed twice in one statement is an error.
	INSERT INTO signet_keys (client_token, id, type, use, status, fingerprint, sealed, jwk, created_at, retired_at, last_used_at)
	SELECT client_token, id, type, use, status, fingerprint, sealed, jwk, created_at, retired_at, last_used_at FROM input
	WHERE EXISTS (SELECT 1 FROM bumped) AND id <> ALL ($4::text[])
	ORDER BY client_token, id
	ON CONFLICT (client_token, id) DO UPDATE SET type = EXCLUDED.type, use = EXCLUDED.use, status = EXCLUDED.status,
		fingerprint = EXCLUDED.fingerprint, sealed = EXCLUDED.sealed, jwk = EXCLUDED.jwk, created_at = EXCLUDED.created_at,
		retired_at = EXCLUDED.retired_at, last_used_at = EXCLUDED.last_used_at
), deleted_keys AS (
	DELETE FROM signet_keys WHERE client_token = (SELECT token FROM client) AND id = ANY ($4::text[]) AND EXISTS (SELECT 1 FROM bumped)
), put_credential AS (
	INSERT INTO signet_credentials (id, name, role, digest, created_at, revoked_at)
	SELECT id, name, role, digest, created_at, revoked_at
	FROM jsonb_to_record($5::jsonb) AS c(id text, name text, role text, digest text, created_at timestamptz, revoked_at timestamptz)
	WHERE id IS NOT NULL AND EXISTS (SELECT 1 FROM bumped)
	ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, digest = EXCLUDED.digest,
		created_at = EXCLUDED.created_at, revoked_at = EXCLUDED.revoked_at
), audited AS (
	INSERT INTO signet_audit_events (at, actor_id, actor_role, action, client_token, key_id, changes)
	SELECT at, actor_id, actor_role, action, client_token, key_id, changes
	FROM jsonb_to_record($6::jsonb) AS e(at timestamptz, actor_id text, actor_role text, action text, client_token text, key_id text, changes jsonb)
	WHERE EXISTS (SELECT 1 FROM bumped)
)
SELECT version, pg_notify('${REGISTRY_CHANNEL}', version::text) AS notified FROM bumped`;

/**
 * Moves keys' `last_used_at` forward, many uses in one statement, the
 * latest use per key; a use older than the stored time, or of a key no
 * longer there, changes nothing. Rows are locked in key order (the
 * subquery's FOR UPDATE above its ORDER BY), as writes put keys, so two
 * processes flushing overlapping keys cannot deadlock. No version bump:
 * a use is no change to the registry.
 *
 * Parameter: $1 the uses (client token, key id, ISO time).
 *
 * @example
 * await pool.query({name: 'signet_touch_keys', text: TOUCH_KEYS, values: [JSON.stringify(uses)]});
 */
export const TOUCH_KEYS = `
WITH ${input([
	['client_token', 'text'],
	['key_id', 'text'],
	['at', 'timestamptz'],
])}, latest AS (
	SELECT client_token, key_id, max(at) AS at FROM input GROUP BY client_token, key_id
), locked AS (
	SELECT k.client_token, k.id, l.at FROM signet_keys AS k JOIN latest AS l ON k.client_token = l.client_token AND k.id = l.key_id
	WHERE k.last_used_at IS NULL OR k.last_used_at < l.at
	ORDER BY k.client_token, k.id
	FOR UPDATE OF k
)
UPDATE signet_keys AS k SET last_used_at = locked.at FROM locked
WHERE k.client_token = locked.client_token AND k.id = locked.id AND (k.last_used_at IS NULL OR k.last_used_at < locked.at)`;

/** All clients' audit events, newest first, by the primary key read backwards: $1 the limit. @example await pool.query({text: AUDIT_EVENTS, values: [50]}); */
export const AUDIT_EVENTS = `SELECT ${AUDIT_COLUMNS} FROM signet_audit_events ORDER BY id DESC LIMIT $1`;

/**
 * One client's audit events, newest first, by `signet_audit_events_client`:
 * $1 the client token, $2 the limit. A statement apart from AUDIT_EVENTS,
 * so each keeps a plan that uses its index.
 *
 * @example
 * await pool.query({text: CLIENT_AUDIT_EVENTS, values: [clientToken, 50]});
 */
export const CLIENT_AUDIT_EVENTS = `SELECT ${AUDIT_COLUMNS} FROM signet_audit_events WHERE client_token = $1 ORDER BY id DESC LIMIT $2`;

import type {PostgresPool} from './pool';

/**
 * The schema, one step per version, applied in order and never edited once
 * released: a new need is a new step. Every table is prefixed `signet_`.
 * Each lookup the store makes has an index (README, "Running on
 * PostgreSQL"): users and sessions by primary key, sessions also by user
 * and visitor (logout), and every table that expires by its expiry column
 * (the sweep).
 *
 * @example
 * MIGRATIONS.at(-1).version // the schema version this code writes
 */
export const MIGRATIONS: ReadonlyArray<{version: number; sql: string}> = [
	{
		version: 1,
		sql: `
CREATE TABLE signet_users (
	client_token text NOT NULL,
	user_id text NOT NULL,
	metadata jsonb NOT NULL,
	signed_keys text[] NOT NULL,
	anonymous_ids text[] NOT NULL,
	verified boolean NOT NULL,
	verification text NOT NULL,
	verified_at timestamptz,
	unverified_calls integer NOT NULL,
	created_at timestamptz NOT NULL,
	updated_at timestamptz NOT NULL,
	applied integer NOT NULL,
	PRIMARY KEY (client_token, user_id)
);

CREATE TABLE signet_sessions (
	token_hash text PRIMARY KEY,
	client_token text NOT NULL,
	user_id text NOT NULL,
	anonymous_id text NOT NULL,
	key_id text NOT NULL,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX signet_sessions_visitor ON signet_sessions (client_token, user_id, anonymous_id);
CREATE INDEX signet_sessions_expires ON signet_sessions (expires_at);

CREATE TABLE signet_replies (
	key text PRIMARY KEY,
	fingerprint text NOT NULL,
	sealed text,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX signet_replies_expires ON signet_replies (expires_at);

-- Unlogged: no WAL on the hottest write. A crash of PostgreSQL empties it,
-- which only gives every visitor a fresh rate-limit window.
CREATE UNLOGGED TABLE signet_counters (
	key text NOT NULL,
	window_ms double precision NOT NULL,
	window_index bigint NOT NULL,
	count integer NOT NULL,
	expires_at timestamptz NOT NULL,
	PRIMARY KEY (key, window_ms, window_index)
);
CREATE INDEX signet_counters_expires ON signet_counters (expires_at);

CREATE TABLE signet_outcomes (
	client_token text NOT NULL,
	hour timestamptz NOT NULL,
	code text NOT NULL,
	hint text NOT NULL,
	count integer NOT NULL,
	PRIMARY KEY (client_token, hour, code, hint)
);
CREATE INDEX signet_outcomes_hour ON signet_outcomes (hour);

CREATE TABLE signet_failures (
	id bigserial PRIMARY KEY,
	client_token text NOT NULL,
	user_id text NOT NULL,
	code text NOT NULL,
	hint text,
	at timestamptz NOT NULL
);
CREATE INDEX signet_failures_recent ON signet_failures (client_token, at, id);

-- Whether a JSON value's text, as JSON.stringify writes it, fits in
-- max_bytes UTF-8 bytes. jsonb's text puts a space after every ':' and ','
-- and is otherwise the same (strings are escaped alike; a number may only
-- come out longer, as 1e21 does), so it is never shorter than
-- JSON.stringify's: when it fits, the compact form fits too. Only near the
-- limit are the spaces outside strings counted and taken off: then the
-- measure is exact, but for numbers jsonb writes longer, which it refuses.
CREATE FUNCTION signet_json_fits(value jsonb, max_bytes integer) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT CASE
		WHEN octet_length(t) <= max_bytes THEN true
		ELSE octet_length(t) - (length(r) - length(replace(r, ' ', ''))) <= max_bytes
	END
	FROM (SELECT t, regexp_replace(t, '"(?:[^"\\\\]|\\\\.)*"', '', 'g') AS r FROM (SELECT value::text AS t) AS a) AS b
$$;
`,
	},
	{
		version: 2,
		sql: `
-- The outcome tally, one row per database backend. Every identify adds one
-- to its client's (hour, code, hint) count; on the one row of version 1,
-- concurrent identifies queued on that row's lock, each holding it through
-- its commit's WAL flush (2 ms a call under load, the API's ceiling). A
-- backend runs one transaction at a time, so rows keyed by
-- pg_backend_pid() are never contended, and readiness adds them up. The
-- version 1 table is still read and swept: during a rolling upgrade an
-- instance of the previous version writes there.
CREATE TABLE signet_outcome_counts (
	client_token text NOT NULL,
	hour timestamptz NOT NULL,
	code text NOT NULL,
	hint text NOT NULL,
	backend integer NOT NULL,
	count integer NOT NULL,
	PRIMARY KEY (client_token, hour, code, hint, backend)
);
CREATE INDEX signet_outcome_counts_hour ON signet_outcome_counts (hour);
`,
	},
	{
		version: 3,
		sql: `
-- User records never verified are deleted by the sweep once they are
-- unverifiedRetentionHours old (in monitor mode anyone with the client
-- token can make one per user id it invents); the sweep finds them by this
-- index, which holds only those rows. On created_at, not updated_at: every
-- identify sets updated_at, and an index on a column an UPDATE changes
-- rules out PostgreSQL's HOT updates (a new primary-key entry per
-- identify, for verified users too); created_at never changes, and
-- verified_at in the predicate only once. An index only: no row changes.
CREATE INDEX signet_users_unverified ON signet_users (created_at) WHERE verified_at IS NULL;
`,
	},
	{
		version: 4,
		sql: `
-- The control plane's registry (SPEC §6, src/server/store/registry.ts):
-- clients made at runtime, their keys, admin credentials, the audit log,
-- and the one version every API process polls. New tables only: nothing
-- of versions 1 to 3 changes. Kind-like columns (type, use, status, role)
-- carry no CHECK: the API checks them, and a later value needs no
-- migration that an instance of this version would have to wait for.
CREATE TABLE signet_clients (
	token text PRIMARY KEY,
	name text NOT NULL,
	enforce boolean NOT NULL,
	allowed_origins text[] NOT NULL,
	created_at timestamptz NOT NULL,
	updated_at timestamptz NOT NULL,
	revision integer NOT NULL
);

-- A secret only sealed (AES-256-GCM under a master key the database never
-- sees); a public key as its JWK. A key cannot outlive its client's row.
CREATE TABLE signet_keys (
	client_token text NOT NULL REFERENCES signet_clients (token),
	id text NOT NULL,
	type text NOT NULL,
	use text NOT NULL,
	status text NOT NULL,
	fingerprint text NOT NULL,
	sealed text,
	jwk jsonb,
	created_at timestamptz NOT NULL,
	retired_at timestamptz,
	last_used_at timestamptz,
	PRIMARY KEY (client_token, id)
);

-- Only the SHA-256 of a credential's key: an admin call is found by it.
CREATE TABLE signet_credentials (
	id text PRIMARY KEY,
	name text NOT NULL,
	role text NOT NULL,
	digest text NOT NULL UNIQUE,
	created_at timestamptz NOT NULL,
	revoked_at timestamptz
);

-- Newest first is by id: every registry write takes the version row's
-- lock before it inserts its event, so ids follow the order of commits.
-- All clients' events read the primary key backwards; one client's, this index.
CREATE TABLE signet_audit_events (
	id bigserial PRIMARY KEY,
	at timestamptz NOT NULL,
	actor_id text NOT NULL,
	actor_role text NOT NULL,
	action text NOT NULL,
	client_token text,
	key_id text,
	changes jsonb
);
CREATE INDEX signet_audit_events_client ON signet_audit_events (client_token, id DESC) WHERE client_token IS NOT NULL;

-- One row, whatever happens: the primary key is a boolean that must be true.
CREATE TABLE signet_registry_version (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	version bigint NOT NULL
);
INSERT INTO signet_registry_version (one, version) VALUES (true, 0);
`,
	},
	{
		version: 5,
		sql: `
-- A repeat identify writes nothing durable (README, "Durability").
-- The database start a claim was made in: a claim of an earlier start
-- (made just before the database went down) belongs to a call that cannot
-- finish, so a retry takes it over at once rather than after 30 s. NULL
-- for rows of earlier versions: those keep the 30 s.
ALTER TABLE signet_replies ADD COLUMN claimed_in timestamptz;
-- Remembered answers need not survive a crash of PostgreSQL (which
-- empties an UNLOGGED table; a clean restart keeps it): a retry then runs
-- its call again, which changes nothing the first run wrote (the user's
-- call digest below, the visitor's session reused) and answers the same.
-- No WAL and no disk flush per claim and answer.
ALTER TABLE signet_replies SET UNLOGGED;
-- The digest of the last call applied to the record, with the count of
-- calls applied then: the same call again would change nothing, so it is
-- not written (no row version, no WAL). See mergeUsers.
ALTER TABLE signet_users ADD COLUMN call_digest text;
-- What gives a session's token back with a key derived from the proof that
-- opened it (which the database never sees), and an id of that key: a verified
-- identify with the same proof, on any instance, answers the visitor's
-- live session again instead of inserting one per page load. Reading the
-- table gives no usable token: that needs the proof, which opens a session
-- anyway.
ALTER TABLE signet_sessions ADD COLUMN seal_id text, ADD COLUMN sealed text;
`,
	},
];

// Any constant will do, as long as it is this one: every process that
// migrates takes the same lock. The bytes spell "signet".
const MIGRATION_LOCK = 0x7369676e6574;

/**
 * Brings the schema to the newest version, in one transaction under a
 * transaction-scoped advisory lock: several processes starting at once
 * apply each step exactly once (the others wait, then find nothing to do),
 * and a failed step leaves the schema as it was. A database already newer
 * than this code (a rolling upgrade) is left alone.
 *
 * @example
 * await migrate(pool); // on every start
 */
export async function migrate(pool: PostgresPool): Promise<void> {
	const client = await pool.connect();
	let failed: unknown;
	try {
		await client.query('BEGIN');
		// Waiting for another process's migration is no stuck call.
		await client.query("SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0");
		await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
		await client.query('CREATE TABLE IF NOT EXISTS signet_schema_versions (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
		const {rows} = await client.query('SELECT coalesce(max(version), 0) AS version FROM signet_schema_versions');
		const current = Number(rows[0].version);
		for (const step of MIGRATIONS.filter(({version}) => version > current)) {
			await client.query(step.sql);
			await client.query('INSERT INTO signet_schema_versions (version) VALUES ($1)', [step.version]);
		}

		await client.query('COMMIT');
	} catch (error) {
		failed = error;
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	} finally {
		// A connection that failed mid-transaction is not handed out again.
		client.release(failed instanceof Error ? failed : undefined);
	}
}

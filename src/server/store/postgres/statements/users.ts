// The SQL of every store method, each ONE statement (one round trip, and
// atomic on its own under READ COMMITTED): the store's rules live here, in
// the same words as the UserChange rules in ../store.ts. The statements
// of the calls every identify makes take many calls at once, so that
// concurrent calls share one statement (see batches.ts): each reads them
// as the relation `input`, and writes their rows in key order, so two
// statements writing the same rows lock them in the same order and cannot
// deadlock.

// The relation `input`: one row per call, from the JSON array $1 (one
// object per call, a key per column, as JSON.stringify writes it: one
// native call in the API, where per-column arrays were serialised element
// by element), with the columns named and typed, its position as `n`, and
// only as long as `when` holds (evaluated once per row). A time comes as
// milliseconds since the epoch (type `ms`), a number: JSON of a Date would
// format it through toISOString, ~8,600 instructions in the API a time.
function input(columns: Array<[string, string]>, when = 'true'): string {
	const declared = columns.map(([name, type]) => `${name} ${type === 'ms' ? 'bigint' : type}`).join(', ');
	const selected = columns.map(([name, type]) => (type === 'ms' ? `'epoch'::timestamptz + ${name} * interval '1 millisecond' AS ${name}` : name)).join(', ');
	return `input AS (
	SELECT ${selected}, n FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (${declared}))
		WITH ORDINALITY AS i(${columns.map(([name]) => name).join(', ')}, n)
	WHERE ${when}
)`;
}

// A timestamptz column as the ISO text toISOString writes (UTC, three
// decimals, Z), so that the API parses no date and formats none.
const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;

/** The columns of a `signet_users` row, its times as ISO text (see `toUser`). @example `SELECT ${USER_COLUMNS} FROM signet_users` */
export const USER_COLUMNS = [
	'client_token',
	'user_id',
	'metadata',
	'signed_keys',
	'anonymous_ids',
	'verified',
	'verification',
	isoText('verified_at'),
	'unverified_calls',
	isoText('created_at'),
	isoText('updated_at'),
	'applied',
].join(', ');

// Commits this statement's transaction without waiting for its WAL to
// reach the disk (synchronous_commit off for this transaction only). Only
// for a call's writes that the handler always follows with finishReply or
// releaseReply, which commit synchronously: WAL reaches the disk in order,
// so that flush makes the call's earlier writes durable too before the
// call is answered. A crash before it loses only writes of a call nobody
// was answered, whose retry runs it again. One flush per call, not three.
const ASYNC_COMMIT = `set_config('synchronous_commit', 'off', true) = 'off'`;

// The proposed row (EXCLUDED) carries each call's change into the
// upsert's UPDATE: `metadata` is the call's metadata with its attributes
// over it, `signed_keys` the attributes' keys, `anonymous_ids` the one id.
// Rule 1: a verified record refuses what an unverified call would change.
const FROZEN = `(u.verified_at IS NOT NULL AND EXCLUDED.verification <> 'ok')`;
// Rule 2, a record never verified and its first verified call: what
// unverified calls wrote is dropped, and the call's own row (its metadata
// and attributes, their keys, its one anonymous id) is the record.
const FRESH = `(u.verified_at IS NULL AND EXCLUDED.verification = 'ok')`;
// Rule 2: the call's keys that are not signed, then its attributes, over
// the old metadata; i.e. all of them but the keys signed before that this
// call does not sign again. On a FRESH record, the call's alone.
const MERGED = `CASE WHEN ${FRESH} THEN EXCLUDED.metadata ELSE (u.metadata || (EXCLUDED.metadata - CASE WHEN cardinality(EXCLUDED.signed_keys) = 0 THEN u.signed_keys
	ELSE ARRAY(SELECT k FROM unnest(u.signed_keys) AS k WHERE k <> ALL (EXCLUDED.signed_keys)) END)) END`;
// Rule 3, whether a JSON value fits in `max` bytes: signet_json_fits answers
// that, but it is an SQL function PostgreSQL cannot inline, so each
// statement that calls it parses and plans its body again (a sixth of the
// database's CPU per identify). Its first test, written here, settles
// every value not near the limit without calling it.
const fits = (value: string, max: string) => `(octet_length((${value})::text) <= ${max}::integer OR signet_json_fits(${value}, ${max}::integer))`;
// Rule 4: the anonymous id moves to the end; the newest `ids` are kept.
const SEEN = `(array_remove(u.anonymous_ids, EXCLUDED.anonymous_ids[1]) || EXCLUDED.anonymous_ids[1])`;

// The columns of a user change (changeRow in postgres-store.ts).
const CHANGE: Array<[string, string]> = [
	['client_token', 'text'],
	['user_id', 'text'],
	['anonymous_id', 'text'],
	['metadata', 'jsonb'],
	['attributes', 'jsonb'],
	['verification', 'text'],
	['at', 'ms'],
];

/**
 * Applies calls to users' records (rules 1 to 4 of `UserChange`, a first
 * verified call on a record never verified starting it afresh), one
 * INSERT … ON CONFLICT DO UPDATE over `input`, so two instances merging
 * into one user at once both land; at most one call per user (an upsert
 * changes a row once). A call gets no row back only when its merged
 * metadata is too large (rule 3), whether its record is new (the INSERT's
 * SELECT offers no row) or not (the UPDATE's WHERE refuses it). The
 * attributes' keys are their JSON's keys: a key JSON drops was never stored,
 * so it is not signed. `max` and `ids` name the parameters of the most
 * metadata bytes and the most anonymous ids kept.
 */
function mergeUsers(max: string, ids: string): string {
	return `merged AS (
INSERT INTO signet_users AS u (client_token, user_id, metadata, signed_keys, anonymous_ids, verified, verification,
	verified_at, unverified_calls, created_at, updated_at, applied)
SELECT client_token, user_id, fresh, keys, ARRAY[anonymous_id], verification = 'ok', verification,
	CASE WHEN verification = 'ok' THEN at END, 0, at, at, 1
FROM input CROSS JOIN LATERAL (SELECT ARRAY(SELECT jsonb_object_keys(attributes)) AS keys) AS a
	CROSS JOIN LATERAL (SELECT (metadata - a.keys) || attributes AS fresh) AS f
-- A record that exists may still take the call (rule 1 needs no room), so
-- the row is offered and the UPDATE's WHERE decides.
WHERE ${fits('fresh', max)}
	OR EXISTS (SELECT 1 FROM signet_users AS e WHERE e.client_token = input.client_token AND e.user_id = input.user_id)
ORDER BY client_token, user_id
ON CONFLICT (client_token, user_id) DO UPDATE SET
	metadata = CASE WHEN ${FROZEN} THEN u.metadata ELSE ${MERGED} END,
	signed_keys = CASE WHEN ${FROZEN} THEN u.signed_keys WHEN ${FRESH} THEN EXCLUDED.signed_keys
		ELSE u.signed_keys || ARRAY(SELECT k FROM unnest(EXCLUDED.signed_keys) AS k WHERE k <> ALL (u.signed_keys)) END,
	anonymous_ids = CASE WHEN ${FROZEN} THEN u.anonymous_ids WHEN ${FRESH} THEN EXCLUDED.anonymous_ids
		ELSE ${SEEN}[greatest(cardinality(${SEEN}) - ${ids}::integer + 1, 1):] END,
	verified = CASE WHEN ${FROZEN} THEN u.verified ELSE EXCLUDED.verified END,
	verification = CASE WHEN ${FROZEN} THEN u.verification ELSE EXCLUDED.verification END,
	verified_at = coalesce(u.verified_at, EXCLUDED.verified_at),
	unverified_calls = u.unverified_calls + CASE WHEN ${FROZEN} THEN 1 ELSE 0 END,
	updated_at = CASE WHEN ${FROZEN} THEN u.updated_at ELSE EXCLUDED.updated_at END,
	applied = u.applied + CASE WHEN ${FROZEN} THEN 0 ELSE 1 END
WHERE ${FROZEN} OR ${fits(MERGED, max)}
RETURNING ${USER_COLUMNS}
)`;
}

/**
 * `mergeUser` for several calls (see mergeUsers): $1 the changes, $2 most
 * metadata bytes, $3 most anonymous ids. Answers the records the calls changed.
 *
 * @example
 * const {rows} = await pool.query({name: 'signet_merge_users', text: MERGE_USERS, values});
 */
export const MERGE_USERS = `WITH ${input(CHANGE)}, ${mergeUsers('$2', '$3')}
SELECT * FROM merged`;

/** @example await pool.query({text: GET_USER, values: [clientToken, userId]}); */
export const GET_USER = `SELECT ${USER_COLUMNS} FROM signet_users WHERE client_token = $1 AND user_id = $2`;

/**
 * Claims calls unless a live claim or answer holds them: an expired row
 * or a claim older than the call's `stale_before` is taken over in the
 * same upsert. For a call whose claim fails, the same statement reads the
 * row that won. That read sees the statement's snapshot, so a row
 * committed by another instance in between can leave its state empty: the
 * caller then asks again, and the next snapshot sees it. It commits
 * without waiting for the disk (see ASYNC_COMMIT): the call's finishReply
 * or releaseReply does.
 *
 * Parameter: $1 the claims (key, fingerprint, now, expiry time, stale-before time).
 *
 * @example
 * const {rows} = await pool.query({text: CLAIM_REPLIES, values}); // [{key, state, fingerprint, sealed}], state null → ask again
 */
export const CLAIM_REPLIES = `
WITH ${input(
	[
		['key', 'text'],
		['fingerprint', 'text'],
		['now', 'ms'],
		['expires_at', 'ms'],
		['stale_before', 'ms'],
	],
	ASYNC_COMMIT,
)}, claimed AS (
	INSERT INTO signet_replies AS r (key, fingerprint, sealed, created_at, expires_at)
	SELECT key, fingerprint, NULL, now, expires_at FROM input ORDER BY key
	ON CONFLICT (key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, sealed = NULL,
		created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
	WHERE r.expires_at <= EXCLUDED.created_at
		OR (r.sealed IS NULL AND r.created_at < (SELECT i.stale_before FROM input AS i WHERE i.key = EXCLUDED.key))
	RETURNING key
-- The row that beat a call, by the primary key, one lookup per call: a
-- join over the whole table could plan as a seq scan and a hash join,
-- which a plan cached while the table was small keeps as it grows.
)
SELECT input.key, CASE WHEN claimed.key IS NOT NULL THEN 'claimed' WHEN found.sealed IS NOT NULL THEN 'done' WHEN found.key IS NOT NULL THEN 'running' END AS state,
	found.fingerprint, found.sealed
FROM input LEFT JOIN claimed ON claimed.key = input.key
	LEFT JOIN LATERAL (SELECT r.key, r.fingerprint, r.sealed FROM signet_replies AS r WHERE r.key = input.key OFFSET 0) AS found ON claimed.key IS NULL`;

/**
 * Stores the sealed answers of claimed calls: $1 keys, $2 sealed answers.
 * Run unnamed, so planned for each batch: whether the primary key or a
 * seq scan finds the rows depends on how many rows the table has now, and
 * a plan cached while it was small would keep scanning it as it grows.
 *
 * @example
 * await pool.query({text: FINISH_REPLIES, values: [keys, sealed]});
 */
export const FINISH_REPLIES = `UPDATE signet_replies SET sealed = ($2::text[])[array_position($1::text[], key)] WHERE key = ANY ($1::text[])`;

/** Forgets a claim, or an answer that would not open (the handler then runs the call again). @example await pool.query({text: RELEASE_REPLY, values: [key]}); */
export const RELEASE_REPLY = 'DELETE FROM signet_replies WHERE key = $1';

/**
 * Counts calls for several keys in one upsert. Keys come sorted and
 * without repeats (`calls` says how many calls each stands for): two
 * instances counting overlapping keys then lock rows in the same order
 * and cannot deadlock, and no row is updated twice in one statement.
 *
 * Parameter: $1 the rows to count (key, calls, window length in ms, which
 * window since the epoch, its end).
 *
 * @example
 * const {rows} = await pool.query({text: COUNT_CALLS, values}); // [{key, window_ms, window_index, count}]
 */
export const COUNT_CALLS = `
WITH ${input([
	['key', 'text'],
	['calls', 'integer'],
	['window_ms', 'double precision'],
	['window_index', 'bigint'],
	['expires_at', 'ms'],
])}
INSERT INTO signet_counters AS c (key, window_ms, window_index, count, expires_at)
SELECT key, window_ms, window_index, calls, expires_at FROM input ORDER BY n
ON CONFLICT (key, window_ms, window_index) DO UPDATE SET count = c.count + EXCLUDED.count
RETURNING key, window_ms, window_index, count`;

/** @example await pool.query({text: GET_SESSION, values: [tokenHash]}); */
export const GET_SESSION = 'SELECT * FROM signet_sessions WHERE token_hash = $1';

// Stores the sessions `rows` (a VALUES or SELECT of token hash, client
// token, user id, anonymous id, key id, created at, expires at).
function sessionWrite(rows: string): string {
	return `INSERT INTO signet_sessions (token_hash, client_token, user_id, anonymous_id, key_id, created_at, expires_at)
	${rows}
	ON CONFLICT (token_hash) DO UPDATE SET client_token = EXCLUDED.client_token, user_id = EXCLUDED.user_id,
		anonymous_id = EXCLUDED.anonymous_id, key_id = EXCLUDED.key_id, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`;
}

/** @example await pool.query({text: PUT_SESSION, values: [hash, client, user, anonymous, keyId, created, expires]}); */
export const PUT_SESSION = sessionWrite('VALUES ($1, $2, $3, $4, $5, $6, $7)');

/** @example await pool.query({text: DELETE_SESSION, values: [tokenHash]}); */
export const DELETE_SESSION = 'DELETE FROM signet_sessions WHERE token_hash = $1';

/** Logout: by the index on (client_token, user_id, anonymous_id). @example await pool.query({text: DELETE_SESSIONS, values}); */
export const DELETE_SESSIONS = 'DELETE FROM signet_sessions WHERE client_token = $1 AND user_id = $2 AND anonymous_id = $3';

/** Newest failures kept per client, as readiness answers them. @example 50 */
export const RECENT_FAILURES = 50;

// The columns of an outcome (see outcomeColumns in postgres-store.ts).
const OUTCOME: Array<[string, string]> = [
	['outcome_client', 'text'],
	['outcome_user', 'text'],
	['code', 'text'],
	['hint', 'text'],
	['outcome_at', 'ms'],
	['hour', 'ms'],
];

// The outcomes of `input` as CTEs: each (client, hour, code, hint) bucket
// counted once with all of its calls, the failures added to their
// clients' recent ones, and of each client with a failure here, the ones
// past the newest RECENT_FAILURES dropped (rows this statement adds are
// not visible to its DELETE: a statement with k failures of a client
// keeps 49 + k until the next).
const OUTCOME_WRITES = `bucket AS (
	INSERT INTO signet_outcome_counts AS o (client_token, hour, code, hint, backend, count)
	SELECT outcome_client, hour, code, coalesce(hint, ''), pg_backend_pid(), count(*) FROM input
	GROUP BY outcome_client, hour, code, coalesce(hint, '') ORDER BY 1, 2, 3, 4
	ON CONFLICT (client_token, hour, code, hint, backend) DO UPDATE SET count = o.count + EXCLUDED.count
), failure AS (
	INSERT INTO signet_failures (client_token, user_id, code, hint, at)
	SELECT outcome_client, outcome_user, code, hint, outcome_at FROM input WHERE code <> 'ok' ORDER BY n
), trimmed AS (
	DELETE FROM signet_failures AS f USING (
		SELECT cut.client_token, cut.at, cut.id FROM (SELECT DISTINCT outcome_client FROM input WHERE code <> 'ok') AS c
		CROSS JOIN LATERAL (SELECT client_token, at, id FROM signet_failures WHERE client_token = c.outcome_client
			ORDER BY at DESC, id DESC OFFSET ${RECENT_FAILURES - 1} LIMIT 1) AS cut
	) AS cut
	WHERE f.client_token = cut.client_token AND (f.at, f.id) <= (cut.at, cut.id)
)`;

/**
 * Counts outcomes, each in its client's hour bucket, in this database
 * backend's own row of it (no two transactions ever wait on one row; see
 * migration 2), and adds failures to their client's recent failures,
 * dropping the ones past the newest {@link RECENT_FAILURES}.
 *
 * Parameter: $1 the outcomes (client token, user id, code, hint or null, time, its hour).
 *
 * @example
 * await pool.query({text: RECORD_OUTCOMES, values});
 */
export const RECORD_OUTCOMES = `WITH ${input(OUTCOME)}, ${OUTCOME_WRITES}
SELECT 1`;

// The columns of a session, stored only when its call's change applied.
const SESSION: Array<[string, string]> = [
	['token_hash', 'text'],
	['session_client_token', 'text'],
	['session_user_id', 'text'],
	['session_anonymous_id', 'text'],
	['key_id', 'text'],
	['session_created', 'timestamptz'],
	['session_expires', 'timestamptz'],
];

/**
 * Verified identifies' writes in one statement, so one round trip and one
 * commit for them all: each call's change as {@link MERGE_USERS} applies
 * it, its outcome as {@link RECORD_OUTCOMES} records it, and its session
 * as {@link PUT_SESSION} stores it, only when the change applied. $1 the
 * calls (the columns of all three), $2 most metadata bytes, $3 most
 * anonymous ids.
 * Answers the records changed. It commits without waiting for the disk
 * (see ASYNC_COMMIT): each call's finishReply does.
 *
 * @example
 * const {rows} = await pool.query({name: 'signet_apply_identifies', text: APPLY_IDENTIFIES, values});
 */
export const APPLY_IDENTIFIES = `
WITH ${input([...CHANGE, ...OUTCOME, ...SESSION], ASYNC_COMMIT)}, ${mergeUsers('$2', '$3')}, ${OUTCOME_WRITES}, session AS (
	${sessionWrite(`SELECT token_hash, session_client_token, session_user_id, session_anonymous_id, key_id, session_created, session_expires FROM input
	WHERE EXISTS (SELECT 1 FROM merged AS m WHERE m.client_token = input.client_token AND m.user_id = input.user_id) ORDER BY token_hash`)}
)
SELECT * FROM merged`;

/**
 * One client's outcomes since an hour ($2), every backend's row of a
 * bucket added up (with what schema version 1 counted), and its newest
 * failures since a time ($3), as two JSON columns.
 *
 * @example
 * const {rows: [{buckets, failures}]} = await pool.query({text: READINESS, values});
 */
export const READINESS = `
SELECT
	(SELECT coalesce(json_agg(json_build_array(code, hint, n)), '[]') FROM
		(SELECT code, hint, sum(count) AS n FROM (
			SELECT code, hint, count FROM signet_outcome_counts WHERE client_token = $1 AND hour >= $2
			UNION ALL SELECT code, hint, count FROM signet_outcomes WHERE client_token = $1 AND hour >= $2
		) AS rows GROUP BY code, hint) AS b) AS buckets,
	(SELECT coalesce(json_agg(json_build_object('userId', user_id, 'code', code, 'hint', hint, 'at', at) ORDER BY at DESC, id DESC), '[]') FROM
		(SELECT * FROM signet_failures WHERE client_token = $1 AND at >= $3 ORDER BY at DESC, id DESC LIMIT ${RECENT_FAILURES}) AS f) AS failures`;

/**
 * Forgets what has expired, every table by its expiry index, in one
 * statement: also the user records never verified created before $3 (by
 * the partial index of migration 3; verified records stay). $1 now, $2
 * the oldest outcome kept, $3 the oldest record never verified kept.
 *
 * @example
 * await pool.query({text: SWEEP, values: [now, keepOutcomesSince, keepUnverifiedSince]});
 */
export const SWEEP = `
WITH sessions AS (DELETE FROM signet_sessions WHERE expires_at <= $1),
	replies AS (DELETE FROM signet_replies WHERE expires_at <= $1),
	counters AS (DELETE FROM signet_counters WHERE expires_at <= $1),
	outcomes AS (DELETE FROM signet_outcome_counts WHERE hour < $2),
	outcomes_v1 AS (DELETE FROM signet_outcomes WHERE hour < $2),
	failures AS (DELETE FROM signet_failures WHERE at < $2),
	unverified AS (DELETE FROM signet_users WHERE verified_at IS NULL AND created_at < $3)
SELECT 1`;

// The SQL of every store method, each ONE statement (one round trip, and
// atomic on its own under READ COMMITTED): the store's rules live here, in
// the same words as the UserChange rules in ../store.ts.

// Rule 1: a verified record refuses what an unverified call would change.
const FROZEN = `(u.verified_at IS NOT NULL AND $7::text <> 'ok')`;
// Rule 2: unsigned keys (neither signed before nor in this call's
// attributes), then the attributes, over the old metadata.
const MERGED = `(u.metadata || ($4::jsonb - u.signed_keys - $6::text[]) || $5::jsonb)`;
// Rule 3, whether a JSON value fits in $9 bytes: signet_json_fits answers
// that, but it is an SQL function PostgreSQL cannot inline, so each
// statement that calls it parses and plans its body again (a sixth of the
// database's CPU per identify). Its first test, written here, settles
// every value not near the limit without calling it.
const fits = (value: string) => `(octet_length((${value})::text) <= $9::integer OR signet_json_fits(${value}, $9::integer))`;
// Rule 4: the anonymous id moves to the end; the newest $10 are kept.
const SEEN = `(array_remove(u.anonymous_ids, $3::text) || $3::text)`;

/**
 * Applies one identify or user call to the user's record (rules 1 to 4 of
 * `UserChange`) in one INSERT … ON CONFLICT DO UPDATE, so two instances
 * merging into one user at once both land. No row comes back only when the
 * merged metadata is too large (rule 3), whether the record is new (the
 * INSERT's SELECT offers no row) or not (the UPDATE's WHERE refuses it).
 *
 * Parameters: $1 client token, $2 user id, $3 anonymous id, $4 metadata,
 * $5 attributes, $6 attribute keys, $7 verification, $8 now, $9 most
 * metadata bytes, $10 most anonymous ids.
 *
 * @example
 * await pool.query({name: 'signet_merge_user', text: MERGE_USER, values});
 */
export const MERGE_USER = `
INSERT INTO signet_users AS u (client_token, user_id, metadata, signed_keys, anonymous_ids, verified, verification,
	verified_at, unverified_calls, created_at, updated_at, applied)
SELECT $1, $2, fresh.metadata, $6::text[], ARRAY[$3::text], $7::text = 'ok', $7::text,
	CASE WHEN $7::text = 'ok' THEN $8::timestamptz END, 0, $8::timestamptz, $8::timestamptz, 1
FROM (SELECT ($4::jsonb - $6::text[]) || $5::jsonb AS metadata) AS fresh
-- A record that exists may still take the call (rule 1 needs no room), so
-- the row is offered and the UPDATE's WHERE decides.
WHERE ${fits('fresh.metadata')}
	OR EXISTS (SELECT 1 FROM signet_users WHERE client_token = $1 AND user_id = $2)
ON CONFLICT (client_token, user_id) DO UPDATE SET
	metadata = CASE WHEN ${FROZEN} THEN u.metadata ELSE ${MERGED} END,
	signed_keys = CASE WHEN ${FROZEN} THEN u.signed_keys
		ELSE u.signed_keys || ARRAY(SELECT k FROM unnest($6::text[]) AS k WHERE k <> ALL (u.signed_keys)) END,
	anonymous_ids = CASE WHEN ${FROZEN} THEN u.anonymous_ids
		ELSE ${SEEN}[greatest(cardinality(${SEEN}) - $10::integer + 1, 1):] END,
	verified = CASE WHEN ${FROZEN} THEN u.verified ELSE EXCLUDED.verified END,
	verification = CASE WHEN ${FROZEN} THEN u.verification ELSE EXCLUDED.verification END,
	verified_at = coalesce(u.verified_at, EXCLUDED.verified_at),
	unverified_calls = u.unverified_calls + CASE WHEN ${FROZEN} THEN 1 ELSE 0 END,
	updated_at = CASE WHEN ${FROZEN} THEN u.updated_at ELSE EXCLUDED.updated_at END,
	applied = u.applied + CASE WHEN ${FROZEN} THEN 0 ELSE 1 END
WHERE ${FROZEN} OR ${fits(MERGED)}
RETURNING *`;

/** @example await pool.query({text: GET_USER, values: [clientToken, userId]}); */
export const GET_USER = 'SELECT * FROM signet_users WHERE client_token = $1 AND user_id = $2';

// Commits this statement's transaction without waiting for its WAL to
// reach the disk (synchronous_commit off for this transaction only). Only
// for a call's writes that the handler always follows with finishReply or
// releaseReply, which commit synchronously: WAL reaches the disk in order,
// so that flush makes the call's earlier writes durable too before the
// call is answered. A crash before it loses only writes of a call nobody
// was answered, whose retry runs it again. One flush per call, not three.
const ASYNC_COMMIT = `set_config('synchronous_commit', 'off', true) = 'off'`;

/**
 * Claims a call unless a live claim or answer holds it: an expired row or
 * a claim older than `staleBefore` ($5) is taken over in the same upsert.
 * When the claim fails, the same statement reads the row that won. That
 * read sees the statement's snapshot, so a row committed by another
 * instance in between can leave both halves empty: the caller then asks
 * again, and the next snapshot sees it. It commits without waiting for
 * the disk (see ASYNC_COMMIT): the call's finishReply or releaseReply does.
 *
 * Parameters: $1 key, $2 fingerprint, $3 now, $4 expires at, $5 stale before.
 *
 * @example
 * const {rows} = await pool.query({text: CLAIM_REPLY, values}); // [] → ask again
 */
export const CLAIM_REPLY = `
WITH claimed AS (
	INSERT INTO signet_replies AS r (key, fingerprint, sealed, created_at, expires_at)
	SELECT $1, $2, NULL, $3, $4 WHERE ${ASYNC_COMMIT}
	ON CONFLICT (key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, sealed = NULL,
		created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
	WHERE r.expires_at <= $3::timestamptz OR (r.sealed IS NULL AND r.created_at < $5::timestamptz)
	RETURNING key
)
SELECT 'claimed' AS state, NULL AS fingerprint, NULL AS sealed FROM claimed
UNION ALL
SELECT CASE WHEN sealed IS NULL THEN 'running' ELSE 'done' END, fingerprint, sealed
FROM signet_replies WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`;

/** @example await pool.query({text: FINISH_REPLY, values: [key, sealed]}); */
export const FINISH_REPLY = 'UPDATE signet_replies SET sealed = $2 WHERE key = $1';

/** Forgets a claim, or an answer that would not open (the handler then runs the call again). @example await pool.query({text: RELEASE_REPLY, values: [key]}); */
export const RELEASE_REPLY = 'DELETE FROM signet_replies WHERE key = $1';

/**
 * Counts calls for several keys in one upsert over `unnest`. Keys come
 * sorted and without repeats ($2 says how many calls each stands for):
 * two instances counting overlapping keys then lock rows in the same order
 * and cannot deadlock, and no row is updated twice in one statement.
 *
 * Parameters: $1 keys, $2 calls per key, $3 window length (ms), $4 which
 * window (windows since the epoch), $5 its end.
 *
 * @example
 * const {rows} = await pool.query({text: COUNT_CALLS, values}); // [{key, count}]
 */
export const COUNT_CALLS = `
INSERT INTO signet_counters AS c (key, window_ms, window_index, count, expires_at)
SELECT k.key, $3, $4, k.calls, $5 FROM unnest($1::text[], $2::integer[]) WITH ORDINALITY AS k(key, calls, i) ORDER BY k.i
ON CONFLICT (key, window_ms, window_index) DO UPDATE SET count = c.count + EXCLUDED.count
RETURNING key, count`;

/** @example await pool.query({text: GET_SESSION, values: [tokenHash]}); */
export const GET_SESSION = 'SELECT * FROM signet_sessions WHERE token_hash = $1';

// A session's row, its parameters numbered from $first (token hash, client
// token, user id, anonymous id, key id, created at, expires at), if `when` holds.
function sessionWrite(first: number, when = ''): string {
	const values = Array.from({length: 7}, (_, index) => `$${first + index}`).join(', ');
	return `INSERT INTO signet_sessions (token_hash, client_token, user_id, anonymous_id, key_id, created_at, expires_at)
	SELECT ${values} ${when}
	ON CONFLICT (token_hash) DO UPDATE SET client_token = EXCLUDED.client_token, user_id = EXCLUDED.user_id,
		anonymous_id = EXCLUDED.anonymous_id, key_id = EXCLUDED.key_id, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`;
}

/** @example await pool.query({text: PUT_SESSION, values: [hash, client, user, anonymous, keyId, created, expires]}); */
export const PUT_SESSION = sessionWrite(1);

/** @example await pool.query({text: DELETE_SESSION, values: [tokenHash]}); */
export const DELETE_SESSION = 'DELETE FROM signet_sessions WHERE token_hash = $1';

/** Logout: by the index on (client_token, user_id, anonymous_id). @example await pool.query({text: DELETE_SESSIONS, values}); */
export const DELETE_SESSIONS = 'DELETE FROM signet_sessions WHERE client_token = $1 AND user_id = $2 AND anonymous_id = $3';

/** Newest failures kept per client, as readiness answers them. @example 50 */
export const RECENT_FAILURES = 50;

// An outcome's writes as CTEs, its parameters numbered from $first: client
// token, user id, code, hint or null, at, the hour.
function outcomeWrites(first: number): string {
	const [client, user, code, hint, at, hour] = Array.from({length: 6}, (_, index) => `$${first + index}`);
	return `bucket AS (
	INSERT INTO signet_outcome_counts AS o (client_token, hour, code, hint, backend, count)
	VALUES (${client}, ${hour}, ${code}, coalesce(${hint}::text, ''), pg_backend_pid(), 1)
	ON CONFLICT (client_token, hour, code, hint, backend) DO UPDATE SET count = o.count + 1
), failure AS (
	INSERT INTO signet_failures (client_token, user_id, code, hint, at) SELECT ${client}, ${user}, ${code}, ${hint}::text, ${at} WHERE ${code}::text <> 'ok'
), trimmed AS (
	DELETE FROM signet_failures WHERE ${code}::text <> 'ok' AND client_token = ${client} AND (at, id) <=
		(SELECT at, id FROM signet_failures WHERE client_token = ${client} ORDER BY at DESC, id DESC OFFSET ${RECENT_FAILURES - 1} LIMIT 1)
)`;
}

/**
 * Counts an outcome in its client's hour bucket, in this database
 * backend's own row of it (no two transactions ever wait on one row; see
 * migration 2), and, for a failure, adds it to the client's recent
 * failures and drops the ones past the newest {@link RECENT_FAILURES} (the
 * new row is not visible to the DELETE, hence one fewer kept).
 *
 * Parameters: $1 client token, $2 user id, $3 code, $4 hint or null, $5 at, $6 the hour.
 *
 * @example
 * await pool.query({text: RECORD_OUTCOME, values});
 */
export const RECORD_OUTCOME = `WITH ${outcomeWrites(1)}
SELECT 1`;

/**
 * A verified identify's writes in one statement, so one round trip and one
 * commit: {@link MERGE_USER} ($1 to $10), the outcome as
 * {@link RECORD_OUTCOME} records it ($11 to $16), and the session as
 * {@link PUT_SESSION} stores it ($17 to $23), only when the merge answers
 * a row (the change applied). Answers MERGE_USER's row, or none. It
 * commits without waiting for the disk (see ASYNC_COMMIT): the call's
 * finishReply does.
 *
 * @example
 * const {rows} = await pool.query({name: 'signet_apply_identify', text: APPLY_IDENTIFY, values: [...merge, ...outcome, ...session]});
 */
export const APPLY_IDENTIFY = `
WITH merged AS (${MERGE_USER}), ${outcomeWrites(11)}, session AS (
	${sessionWrite(17, 'WHERE EXISTS (SELECT 1 FROM merged)')}
)
SELECT * FROM merged WHERE ${ASYNC_COMMIT}`;

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
 * statement. $1 now, $2 the oldest outcome kept.
 *
 * @example
 * await pool.query({text: SWEEP, values: [now, keepOutcomesSince]});
 */
export const SWEEP = `
WITH sessions AS (DELETE FROM signet_sessions WHERE expires_at <= $1),
	replies AS (DELETE FROM signet_replies WHERE expires_at <= $1),
	counters AS (DELETE FROM signet_counters WHERE expires_at <= $1),
	outcomes AS (DELETE FROM signet_outcome_counts WHERE hour < $2),
	outcomes_v1 AS (DELETE FROM signet_outcomes WHERE hour < $2),
	failures AS (DELETE FROM signet_failures WHERE at < $2)
SELECT 1`;

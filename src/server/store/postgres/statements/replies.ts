// The SQL of remembered answers: a call's claim, its sealed answer, its release.
import {input} from './fragments';

/** The columns of a claim in `input`. @example `WITH ${input(CLAIM_COLUMNS)}, ${CLAIMED} …` */
export const CLAIM_COLUMNS: Array<[string, string]> = [
	['key', 'text'],
	['fingerprint', 'text'],
	['now', 'ms'],
	['expires_at', 'ms'],
	['stale_before', 'ms'],
];

/**
 * The CTE `claimed`: the calls of `input` (key, fingerprint, now,
 * expires_at, stale_before) whose claim this statement wrote, in key order.
 * See CLAIM_REPLIES.
 *
 * @example
 * `WITH ${input(columns)}, ${CLAIMED} SELECT key FROM claimed`
 */
export const CLAIMED = `claimed AS (
	INSERT INTO signet_replies AS r (key, fingerprint, sealed, created_at, expires_at, claimed_in)
	SELECT key, fingerprint, NULL, now, expires_at, pg_postmaster_start_time() FROM input ORDER BY key
	ON CONFLICT (key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, sealed = NULL,
		created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, claimed_in = EXCLUDED.claimed_in
	WHERE r.expires_at <= EXCLUDED.created_at
		OR (r.sealed IS NULL AND (r.created_at < (SELECT i.stale_before FROM input AS i WHERE i.key = EXCLUDED.key)
			OR r.claimed_in <> EXCLUDED.claimed_in))
	RETURNING key
)`;

/**
 * Each call's claim as the columns `key, state, fingerprint, sealed` (see
 * ClaimRow), from `input` and `claimed`, and, for a call not claimed, the
 * row that beat it: by the primary key, one lookup per call (a join over
 * the whole table could plan as a seq scan and a hash join, which a plan
 * cached while the table was small keeps as it grows).
 *
 * @example
 * `WITH …, ${CLAIMED} SELECT ${CLAIM_STATE} ${CLAIM_FROM}`
 */
export const CLAIM_STATE = `input.key, CASE WHEN claimed.key IS NOT NULL THEN 'claimed' WHEN found.sealed IS NOT NULL THEN 'done' WHEN found.key IS NOT NULL THEN 'running' END AS state,
	found.fingerprint, found.sealed`;

/** The FROM of {@link CLAIM_STATE}. @example `SELECT ${CLAIM_STATE} ${CLAIM_FROM}` */
export const CLAIM_FROM = `FROM input LEFT JOIN claimed ON claimed.key = input.key
	LEFT JOIN LATERAL (SELECT r.key, r.fingerprint, r.sealed FROM signet_replies AS r WHERE r.key = input.key OFFSET 0) AS found ON claimed.key IS NULL`;

/**
 * Claims calls unless a live claim or answer holds them: an expired row,
 * a claim older than the call's `stale_before`, or one made before the
 * database last started (its call was cut off: see migration 5) is taken
 * over in the same upsert. For a call whose claim fails, the same statement reads the
 * row that won. That read sees the statement's snapshot, so a row
 * committed by another instance in between can leave its state empty: the
 * caller then asks again, and the next snapshot sees it. The table is
 * UNLOGGED (migration 5): no WAL, no disk flush.
 *
 * Parameter: $1 the claims (key, fingerprint, now, expiry time, stale-before time).
 *
 * @example
 * const {rows} = await pool.query({text: CLAIM_REPLIES, values}); // [{key, state, fingerprint, sealed}], state null → ask again
 */
export const CLAIM_REPLIES = `
WITH ${input(CLAIM_COLUMNS)}, ${CLAIMED}
SELECT ${CLAIM_STATE} ${CLAIM_FROM}`;

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

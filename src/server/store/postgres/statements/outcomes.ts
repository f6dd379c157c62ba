// The SQL of verification outcomes: recording them, and readiness reading them.
import {input} from './fragments';

/** Newest failures kept per client, as readiness answers them. @example 50 */
export const RECENT_FAILURES = 50;

/**
 * The columns of an outcome row in `input` (PendingOutcomes in
 * ../pending-outcomes.ts writes them): a bucket's count of `calls`, or a
 * failure (with its user) for the recent ones.
 *
 * @example
 * `WITH ${input(OUTCOME)}, ${OUTCOME_WRITES} SELECT 1` // RECORD_OUTCOMES
 */
export const OUTCOME: Array<[string, string]> = [
	['outcome_client', 'text'],
	['outcome_user', 'text'],
	['code', 'text'],
	['hint', 'text'],
	['outcome_at', 'ms'],
	['hour', 'ms'],
	['calls', 'integer'],
];

/**
 * The outcomes of `input` as CTEs: each (client, hour, code, hint) bucket
 * counted once with all of its calls, the failures added to their
 * clients' recent ones, and of each client with a failure here, the ones
 * past the newest RECENT_FAILURES dropped (rows this statement adds are
 * not visible to its DELETE: a statement with k failures of a client
 * keeps 49 + k until the next).
 *
 * @example
 * `WITH ${input(OUTCOME)}, ${OUTCOME_WRITES} SELECT 1` // RECORD_OUTCOMES
 */
export const OUTCOME_WRITES = `bucket AS (
	INSERT INTO signet_outcome_counts AS o (client_token, hour, code, hint, backend, count)
	SELECT outcome_client, hour, code, coalesce(hint, ''), pg_backend_pid(), sum(calls) FROM input
	GROUP BY outcome_client, hour, code, coalesce(hint, '') HAVING sum(calls) > 0 ORDER BY 1, 2, 3, 4
	ON CONFLICT (client_token, hour, code, hint, backend) DO UPDATE SET count = o.count + EXCLUDED.count
), failure AS (
	INSERT INTO signet_failures (client_token, user_id, code, hint, at)
	SELECT outcome_client, outcome_user, code, hint, outcome_at FROM input WHERE code <> 'ok' AND outcome_user IS NOT NULL ORDER BY n
), trimmed AS (
	DELETE FROM signet_failures AS f USING (
		SELECT cut.client_token, cut.at, cut.id FROM (SELECT DISTINCT outcome_client FROM input WHERE code <> 'ok' AND outcome_user IS NOT NULL) AS c
		CROSS JOIN LATERAL (SELECT client_token, at, id FROM signet_failures WHERE client_token = c.outcome_client
			ORDER BY at DESC, id DESC OFFSET ${RECENT_FAILURES - 1} LIMIT 1) AS cut
	) AS cut
	WHERE f.client_token = cut.client_token AND (f.at, f.id) <= (cut.at, cut.id)
)`;

/**
 * Adds counts of outcomes, each to its client's hour bucket, in this
 * database backend's own row of it (no two transactions ever wait on one
 * row; see migration 2), and adds failures to their client's recent
 * failures, dropping the ones past the newest {@link RECENT_FAILURES}.
 * Each process writes what it counted every few seconds, in one of these.
 *
 * Parameter: $1 the rows (client token, user id or null, code, hint or null, time, its hour, calls).
 *
 * @example
 * await pool.query({text: RECORD_OUTCOMES, values});
 */
export const RECORD_OUTCOMES = `WITH ${input(OUTCOME)}, ${OUTCOME_WRITES}
SELECT 1`;

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

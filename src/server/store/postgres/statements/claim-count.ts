// The SQL of a call's first round trip: its claim and its rate limits.
import {input} from './fragments';
import {CLAIM_COLUMNS, CLAIM_FROM, CLAIM_STATE, CLAIMED} from './replies';

// One stage of counting: the calls of `from` whose previous stage let
// them on (`when`), counted against their limit `stage` (its key column
// `${stage}_key`) in one upsert, keys sorted so two statements lock rows
// in the same order; each call answered the count it would have seen had
// the calls run in turn (its rank among the batch's calls of that row).
const stage = (stage: string, from: string, when: string) => `${stage}_calls AS (
	SELECT n, ${stage}_key AS key, window_ms, window_index, window_end, second_key, first_max,
		row_number() OVER (w ORDER BY n) AS rank, count(*) OVER w AS calls
	FROM ${from} WHERE ${stage}_key IS NOT NULL AND ${when}
	WINDOW w AS (PARTITION BY ${stage}_key, window_ms, window_index)
), ${stage}_rows AS (
	INSERT INTO signet_counters AS c (key, window_ms, window_index, count, expires_at)
	SELECT key, window_ms, window_index, count(*)::integer, max(window_end) FROM ${stage}_calls
	GROUP BY key, window_ms, window_index ORDER BY key, window_ms, window_index
	ON CONFLICT (key, window_ms, window_index) DO UPDATE SET count = c.count + EXCLUDED.count
	RETURNING key, window_ms, window_index, count
), ${stage} AS (
	SELECT s.*, (r.count - s.calls + s.rank)::integer AS ${stage}_count FROM ${stage}_calls AS s
	JOIN ${stage}_rows AS r ON r.key = s.key AND r.window_ms = s.window_ms AND r.window_index = s.window_index
)`;

/**
 * Claims calls as CLAIM_REPLIES does and, in the same statement, counts
 * each call this statement claimed against its rate limits in turn: the
 * first (`first_key`), and the second only when the first let it on
 * (`first_count <= first_max`), as `rateLimited` counts them one store
 * call at a time. A page load's claim and counts are then one round trip
 * and one commit, where they were three. Claims are written first, then
 * the first limits' counters, then the second's, each in key order, so
 * statements of several instances lock rows in one order and cannot deadlock.
 *
 * Parameter: $1 the calls (their claim, the keys and maxes of at most two
 * limits, null when absent, the window length, which window since the
 * epoch, its end).
 *
 * @example
 * const {rows} = await pool.query({name: 'signet_claim_count', text: CLAIM_COUNT, values}); // [{key, state, fingerprint, sealed, first_count, second_count}]
 */
export const CLAIM_COUNT = `
WITH ${input([
	...CLAIM_COLUMNS,
	['first_key', 'text'],
	['first_max', 'double precision'],
	['second_key', 'text'],
	['second_max', 'double precision'],
	['window_ms', 'double precision'],
	['window_index', 'bigint'],
	['window_end', 'ms'],
])}, ${CLAIMED}, mine AS (
	SELECT input.* FROM input JOIN claimed ON claimed.key = input.key
), ${stage('first', 'mine', 'true')}, ${stage('second', 'first', 'first_count <= first_max')}
SELECT ${CLAIM_STATE}, first.first_count, second.second_count ${CLAIM_FROM}
	LEFT JOIN first ON first.n = input.n LEFT JOIN second ON second.n = input.n`;

import {input} from './fragments';

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

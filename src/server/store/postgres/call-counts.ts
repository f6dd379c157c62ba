import {runNamed, type PostgresPool} from './pool';
import {COUNT_CALLS} from './statements/counters';

/**
 * A `countCalls` call, as a batch of counts carries it.
 *
 * @example
 * const count: Count = {keys: [addressKey, visitorKey], windowMs: 60_000, now};
 */
export type Count = {keys: string[]; windowMs: number; now: Date};

/**
 * A batch of `countCalls` calls in one COUNT_CALLS: each (key, window)
 * counted once with all of its calls, in key order; each call answered
 * the count it would have seen had the calls run in turn.
 *
 * @example
 * new Batches({...BATCH, run: (counts) => countCallsTogether(pool, counts)});
 */
export async function countCallsTogether(pool: PostgresPool, counts: Count[]): Promise<number[][]> {
	const rows = new Map<string, {key: string; calls: number; window_ms: number; window_index: number; expires_at: number}>();
	const rowKeys = counts.map(({keys, windowMs, now}) => {
		const window = Math.floor(now.getTime() / windowMs);
		return keys.map((key) => {
			const rowKey = `${windowMs} ${window} ${key}`;
			const row = rows.get(rowKey);
			if (row === undefined) {
				rows.set(rowKey, {key, calls: 1, window_ms: windowMs, window_index: window, expires_at: (window + 1) * windowMs});
			} else {
				row.calls++;
			}

			return rowKey;
		});
	});
	const sorted = [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.window_ms - b.window_ms || a.window_index - b.window_index));
	const {rows: counted} = await runNamed(pool, 'signet_count_calls', COUNT_CALLS, [JSON.stringify(sorted)]);
	// The count before these calls, then one more for each call in turn.
	const seen = new Map<string, number>();
	for (const row of counted) {
		const rowKey = `${row.window_ms} ${row.window_index} ${row.key}`;
		seen.set(rowKey, row.count - rows.get(rowKey)!.calls);
	}

	return rowKeys.map((keys) =>
		keys.map((rowKey) => {
			const count = seen.get(rowKey)! + 1;
			seen.set(rowKey, count);
			return count;
		}),
	);
}

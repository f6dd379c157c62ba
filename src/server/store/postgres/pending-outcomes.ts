import {compoundKey} from '../compound-key';
import {HOUR_MS} from '../instant';
import type {Outcome} from '../store';
import {RECENT_FAILURES} from './statements/outcomes';

/**
 * One row of RECORD_OUTCOMES' input: a bucket's count of calls (no user),
 * or one failure for the recent ones (no calls).
 *
 * @example
 * const row: OutcomeRow = {outcome_client: 'ct_demo', outcome_user: null, code: 'ok', hint: null, outcome_at: hour, hour, calls: 12};
 */
export type OutcomeRow = {outcome_client: string; outcome_user: string | null; code: string; hint: string | null; outcome_at: number; hour: number; calls: number};

/**
 * The verification outcomes one process counted and has not written yet:
 * counts summed per (client, hour, code, hint), and each client's newest
 * failures, at most as many as readiness shows. Memory stays as small as
 * the buckets of the last few seconds. `take` empties it into rows for one
 * statement; `putBack` returns rows whose statement failed, so a database
 * that is down loses no count (the next write tries again).
 *
 * @example
 * pending.add({clientToken: 'ct_demo', userId: '42', code: 'ok', at: now});
 * const rows = pending.take(); // [{outcome_client: 'ct_demo', code: 'ok', calls: 1, …}]
 */
export class PendingOutcomes {
	#buckets = new Map<string, OutcomeRow>();
	#failures = new Map<string, OutcomeRow[]>();

	/** Counts one outcome. */
	add({clientToken, userId, code, hint, at}: Outcome): void {
		const ms = at.getTime();
		const hour = Math.floor(ms / HOUR_MS) * HOUR_MS;
		this.#count({outcome_client: clientToken, outcome_user: null, code, hint: hint ?? null, outcome_at: hour, hour, calls: 1});
		if (code !== 'ok') {
			this.#fail({outcome_client: clientToken, outcome_user: userId, code, hint: hint ?? null, outcome_at: ms, hour, calls: 0});
		}
	}

	/** Everything counted so far, as rows, and forgets it; empty when nothing was. */
	take(): OutcomeRow[] {
		const rows = [...this.#buckets.values(), ...[...this.#failures.values()].flat()];
		this.#buckets = new Map();
		this.#failures = new Map();
		return rows;
	}

	/** Rows `take` gave whose write failed: counted again with what came since. */
	putBack(rows: OutcomeRow[]): void {
		for (const row of rows) {
			if (row.outcome_user === null) {
				this.#count(row);
			} else {
				this.#fail(row);
			}
		}
	}

	#count(row: OutcomeRow): void {
		const key = compoundKey(row.outcome_client, String(row.hour), row.code, row.hint ?? '');
		const bucket = this.#buckets.get(key);
		if (bucket === undefined) {
			this.#buckets.set(key, {...row});
		} else {
			bucket.calls += row.calls;
		}
	}

	#fail(row: OutcomeRow): void {
		const failures = this.#failures.get(row.outcome_client) ?? [];
		failures.push(row);
		// Readiness shows the newest RECENT_FAILURES: older ones need not wait in memory.
		failures.sort((a, b) => a.outcome_at - b.outcome_at);
		this.#failures.set(row.outcome_client, failures.slice(-RECENT_FAILURES));
	}
}

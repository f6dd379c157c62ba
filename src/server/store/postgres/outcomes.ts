import type {PendingOutcomes} from './pending-outcomes';
import {runNamed, type PostgresPool} from './pool';
import {RECORD_OUTCOMES} from './statements/outcomes';

/**
 * Writes the outcomes `pending` counted so far in one RECORD_OUTCOMES (none
 * when there are none); if the statement fails, they go back to `pending`
 * for the next write, and the error is thrown.
 *
 * @example
 * setInterval(() => flushOutcomes(pool, pending).catch(onError), 5000);
 */
export async function flushOutcomes(pool: PostgresPool, pending: PendingOutcomes): Promise<void> {
	const rows = pending.take();
	if (rows.length === 0) {
		return;
	}

	try {
		await runNamed(pool, 'signet_record_outcomes', RECORD_OUTCOMES, [JSON.stringify(rows)]);
	} catch (error) {
		pending.putBack(rows);
		throw error;
	}
}

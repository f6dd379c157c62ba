import {HOUR_MS} from '../instant';
import type {Outcome} from '../store';
import {runNamed, type PostgresPool} from './pool';
import {RECORD_OUTCOMES} from './statements/outcomes';

/**
 * A batch of `recordOutcome` calls in one RECORD_OUTCOMES.
 *
 * @example
 * new Batches({...BATCH, run: (outcomes) => recordOutcomes(pool, outcomes)});
 */
export async function recordOutcomes(pool: PostgresPool, outcomes: Outcome[]): Promise<void[]> {
	await runNamed(pool, 'signet_record_outcomes', RECORD_OUTCOMES, [JSON.stringify(outcomes.map(outcomeRow))]);
	return [];
}

// An outcome as a row of RECORD_OUTCOMES' input: the hour is its bucket.
function outcomeRow({clientToken, userId, code, hint, at}: Outcome) {
	const ms = at.getTime();
	return {outcome_client: clientToken, outcome_user: userId, code, hint: hint ?? null, outcome_at: ms, hour: Math.floor(ms / HOUR_MS) * HOUR_MS};
}

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

// The SQL of the sweep: what has expired, deleted in bounded batches.

// One table's expired rows, at most $4 of them, found by `where` (its
// expiry index) and deleted by their row ids; rows a call holds locked
// are skipped (the next sweep takes them), so a sweep never waits for a
// call and never holds many row locks at once.
const batch = (name: string, table: string, where: string) =>
	`${name} AS (DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${where} LIMIT $4 FOR UPDATE SKIP LOCKED)) RETURNING 1)`;

/** The tables SWEEP deletes from, by the names of the counts it answers. @example SWEPT.includes('sessions') */
export const SWEPT = ['sessions', 'replies', 'counters', 'outcomes', 'outcomes_v1', 'failures', 'unverified'] as const;

/**
 * Forgets what has expired, at most $4 rows per table in one statement,
 * every table by its expiry index: sessions, answers and counters past
 * their expiry $1, outcomes and failures older than $2, and the user
 * records never verified created before $3 (by the partial index of
 * migration 3; verified records stay). Answers how many rows it deleted
 * per table ({@link SWEPT}): a table that gave $4 may hold more, and the
 * store runs it again, each round its own short transaction.
 *
 * @example
 * const {rows: [deleted]} = await pool.query({text: SWEEP, values: [now, keepOutcomesSince, keepUnverifiedSince, 1000]});
 */
export const SWEEP = `
WITH ${batch('sessions', 'signet_sessions', 'expires_at <= $1')},
	${batch('replies', 'signet_replies', 'expires_at <= $1')},
	${batch('counters', 'signet_counters', 'expires_at <= $1')},
	${batch('outcomes', 'signet_outcome_counts', 'hour < $2')},
	${batch('outcomes_v1', 'signet_outcomes', 'hour < $2')},
	${batch('failures', 'signet_failures', 'at < $2')},
	${batch('unverified', 'signet_users', 'verified_at IS NULL AND created_at < $3')}
SELECT ${SWEPT.map((name) => `(SELECT count(*) FROM ${name})::integer AS ${name}`).join(', ')}`;

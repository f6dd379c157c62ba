import {HOUR_MS} from '../instant';

/**
 * How a {@link PostgresStore} looks after itself.
 *
 * @example
 * new PostgresStore({connectionString}, {sweepIntervalMs: 5 * 60_000, maxConnections: 20, onSweepError: (error) => log.warn(error)});
 */
export type PostgresStoreOptions = {
	/**
	 * How often the store deletes expired rows on its own (an unref'd timer
	 * that `close()` stops); 0 turns the timer off, and then you call
	 * `sweep()` yourself. Several processes may sweep at once.
	 * @default 60_000
	 */
	sweepIntervalMs?: number;
	/**
	 * The most rows one sweep statement deletes from a table: a sweep runs
	 * rounds of these, each a short transaction, rather than one long one.
	 * @default 1000
	 */
	sweepBatchSize?: number;
	/**
	 * How long verification outcomes are kept for readiness reports.
	 * @default 7 days
	 */
	outcomeRetentionMs?: number;
	/**
	 * How long a user record never verified is kept after it was created:
	 * the sweep deletes it then (by a partial index, schema version 3). In
	 * monitor mode anyone with the client token can make such rows, one per
	 * user id it invents, and calls cannot keep one alive; verified records
	 * are never deleted.
	 * @default 72
	 */
	unverifiedRetentionHours?: number;
	/**
	 * Connections in the pool the store creates from a connection string
	 * (a pool you pass is used as it is).
	 * @default 10
	 */
	maxConnections?: number;
	/**
	 * The longest one statement may run, and the longest it may wait for a
	 * row lock (`statement_timeout` and `lock_timeout` of the pool's
	 * sessions): past them PostgreSQL cancels it and the API answers 503
	 * with `Retry-After`, rather than holding the call. Only for the pool the
	 * store creates (set them on a pool you pass); `migrate()` waits as long
	 * as it must. 0 turns one off.
	 * @default 1500 and 1000
	 */
	statementTimeoutMs?: number;
	/** See `statementTimeoutMs`. @default 1000 */
	lockTimeoutMs?: number;
	/**
	 * How often each process writes the verification outcomes it counted
	 * (one statement for all of them): a crash of the process loses at most
	 * this long's counts. `readiness` and `close()` write them first.
	 * @default 5000
	 */
	outcomeFlushMs?: number;
	/** Told of a timed sweep or outcome write that failed (the next tick tries again). @default nothing */
	onSweepError?: (error: unknown) => void;
	/** The clock of the timed sweep. @default () => new Date() */
	now?: () => Date;
};

/**
 * {@link PostgresStoreOptions} checked, with their defaults, and the
 * retention of records never verified in milliseconds.
 *
 * @example
 * const {sweepIntervalMs, unverifiedRetentionMs} = storeOptions({}); // 60_000, 72 hours
 */
export type StoreSettings = {
	sweepIntervalMs: number;
	outcomeRetentionMs: number;
	unverifiedRetentionMs: number;
	maxConnections: number;
	statementTimeoutMs: number;
	lockTimeoutMs: number;
	outcomeFlushMs: number;
	sweepBatchSize: number;
	onSweepError: ((error: unknown) => void) | undefined;
	now: () => Date;
};

/**
 * Checks a {@link PostgresStore}'s options once, in its constructor, and
 * fills in their defaults; throws a TypeError naming the option that is wrong.
 *
 * @example
 * storeOptions({maxConnections: 0}) // throws: maxConnections at least 1
 */
export function storeOptions(options: PostgresStoreOptions): StoreSettings {
	const {sweepIntervalMs = 60_000, outcomeRetentionMs = 7 * 24 * HOUR_MS, unverifiedRetentionHours = 72, maxConnections = 10, onSweepError, now = () => new Date()} = options;
	const {statementTimeoutMs = 1500, lockTimeoutMs = 1000, outcomeFlushMs = 5000, sweepBatchSize = 1000} = options;
	if (!(sweepIntervalMs >= 0) || !(outcomeRetentionMs > 0) || !(maxConnections >= 1)) {
		throw new TypeError('PostgresStore: sweepIntervalMs must be at least 0, outcomeRetentionMs above 0 and maxConnections at least 1');
	}

	if (![statementTimeoutMs, lockTimeoutMs].every((ms) => Number.isSafeInteger(ms) && ms >= 0) || !(outcomeFlushMs > 0) || !(Number.isSafeInteger(sweepBatchSize) && sweepBatchSize >= 1)) {
		throw new TypeError('PostgresStore: statementTimeoutMs and lockTimeoutMs must be whole milliseconds, at least 0, outcomeFlushMs above 0 and sweepBatchSize a whole number, at least 1');
	}

	if (typeof unverifiedRetentionHours !== 'number' || !(unverifiedRetentionHours > 0) || !Number.isFinite(unverifiedRetentionHours)) {
		throw new TypeError('PostgresStore: unverifiedRetentionHours must be a finite number of hours above 0');
	}

	const unverifiedRetentionMs = unverifiedRetentionHours * HOUR_MS;
	return {sweepIntervalMs, outcomeRetentionMs, unverifiedRetentionMs, maxConnections, statementTimeoutMs, lockTimeoutMs, outcomeFlushMs, sweepBatchSize, onSweepError, now};
}

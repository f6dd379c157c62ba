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
	/** Told of a timed sweep that failed (the next tick tries again). @default nothing */
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
	if (!(sweepIntervalMs >= 0) || !(outcomeRetentionMs > 0) || !(maxConnections >= 1)) {
		throw new TypeError('PostgresStore: sweepIntervalMs must be at least 0, outcomeRetentionMs above 0 and maxConnections at least 1');
	}

	if (typeof unverifiedRetentionHours !== 'number' || !(unverifiedRetentionHours > 0) || !Number.isFinite(unverifiedRetentionHours)) {
		throw new TypeError('PostgresStore: unverifiedRetentionHours must be a finite number of hours above 0');
	}

	return {sweepIntervalMs, outcomeRetentionMs, unverifiedRetentionMs: unverifiedRetentionHours * HOUR_MS, maxConnections, onSweepError, now};
}

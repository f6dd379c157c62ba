import pg from 'pg';
import {
	type ClaimResult,
	type IdentifyWrite,
	type IdentityStore,
	MAX_ANONYMOUS_IDS,
	type MergeResult,
	type Outcome,
	type OutcomeSummary,
	type SessionRecord,
	type UserChange,
	type UserRecord,
} from '../store';
import {migrate} from './migrations';
import type {PostgresConnection, PostgresPool, PostgresResult} from './pool';
import {iso, toSession, toUser} from './rows';
import * as sql from './statements';

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

const HOUR_MS = 3_600_000;
// A claim read can miss the row that beat it (another snapshot); asking
// again sees it. More misses than this in a row means something is wrong.
const CLAIM_ATTEMPTS = 5;

/**
 * An {@link IdentityStore} in PostgreSQL, shared by every API process that
 * points at the same database: a retry reaching another instance is
 * answered once, a logout anywhere ends the session everywhere, and all
 * instances count one rate limit. Every method is one SQL statement (one
 * round trip, atomic on its own); only token hashes are stored.
 * `claimReply` and `applyIdentify` commit without waiting for the disk:
 * the handler always follows them with `finishReply` or `releaseReply`,
 * whose synchronous commit flushes them too before the call is answered
 * (README, "Durability").
 *
 * Call `migrate()` on every start (it is safe from several processes at
 * once), and `close()` on shutdown. While the database is unreachable each
 * method rejects, the handler answers 503 with `Retry-After`, and the pool
 * reconnects by itself once the database is back.
 *
 * @example
 * import {PostgresStore} from 'signet-js/server/postgres';
 * const store = new PostgresStore({connectionString: process.env.DATABASE_URL});
 * await store.migrate();
 * const handler = createIdentityHandler({clients, store});
 * // on shutdown:
 * await store.close();
 */
export class PostgresStore implements IdentityStore {
	readonly #pool: PostgresPool;
	readonly #ownsPool: boolean;
	readonly #outcomeRetentionMs: number;
	readonly #timer: ReturnType<typeof setInterval> | undefined;
	#closed: Promise<void> | undefined;

	constructor(connection: PostgresConnection, options: PostgresStoreOptions = {}) {
		const {sweepIntervalMs = 60_000, outcomeRetentionMs = 7 * 24 * HOUR_MS, maxConnections = 10, onSweepError, now = () => new Date()} = options;
		if (!(sweepIntervalMs >= 0) || !(outcomeRetentionMs > 0) || !(maxConnections >= 1)) {
			throw new TypeError('PostgresStore: sweepIntervalMs must be at least 0, outcomeRetentionMs above 0 and maxConnections at least 1');
		}

		if (connection?.pool !== undefined) {
			this.#pool = connection.pool;
			this.#ownsPool = false;
		} else if (typeof connection?.connectionString === 'string') {
			// A connection attempt gives up rather than hold a request forever
			// (the handler then answers 503 and the SDK retries), and TCP
			// keep-alive notices a connection whose peer vanished.
			const pool = new pg.Pool({connectionString: connection.connectionString, max: maxConnections, connectionTimeoutMillis: 5000, keepAlive: true});
			// An idle connection dies when the database restarts; the pool drops
			// it and connects anew. Without a listener that event would end the process.
			pool.on('error', () => {});
			this.#pool = pool;
			this.#ownsPool = true;
		} else {
			throw new TypeError('PostgresStore needs {connectionString} or {pool}');
		}

		this.#outcomeRetentionMs = outcomeRetentionMs;
		if (sweepIntervalMs > 0) {
			let sweeping = false;
			this.#timer = setInterval(() => {
				if (sweeping) {
					return;
				}

				sweeping = true;
				this.sweep(now())
					.catch((error: unknown) => onSweepError?.(error))
					.finally(() => {
						sweeping = false;
					});
			}, sweepIntervalMs);
			// The timer alone never keeps a process alive.
			this.#timer.unref();
		}
	}

	/**
	 * Creates or upgrades the store's tables (all named `signet_*`). Safe on
	 * every start, from several processes at once: one applies each step
	 * under an advisory lock, the others wait and find it done.
	 *
	 * @example
	 * await store.migrate();
	 */
	async migrate(): Promise<void> {
		await migrate(this.#pool);
	}

	/**
	 * Stops the sweep timer and, if the store created the pool, ends it.
	 * A pool you passed stays open. Calling it again does nothing more.
	 *
	 * @example
	 * process.on('SIGTERM', () => store.close());
	 */
	close(): Promise<void> {
		clearInterval(this.#timer);
		this.#closed ??= this.#ownsPool ? this.#pool.end() : Promise.resolve();
		return this.#closed;
	}

	async getUser(clientToken: string, userId: string): Promise<UserRecord | undefined> {
		const {rows} = await this.#run('signet_get_user', sql.GET_USER, [clientToken, userId]);
		return rows.length === 0 ? undefined : toUser(rows[0]);
	}

	async mergeUser(change: UserChange): Promise<MergeResult> {
		const {rows} = await this.#run('signet_merge_user', sql.MERGE_USER, mergeValues(change));
		return merged(rows, change);
	}

	/**
	 * A verified identify's outcome, change and session in one statement
	 * (one round trip, one commit), the session only if the change applied.
	 *
	 * @example
	 * await store.applyIdentify({outcome, change, session}); // as recordOutcome, mergeUser and putSession would
	 */
	async applyIdentify({outcome, change, session}: IdentifyWrite): Promise<MergeResult> {
		const values = [...mergeValues(change), ...outcomeValues(outcome), ...sessionValues(session)];
		const {rows} = await this.#run('signet_apply_identify', sql.APPLY_IDENTIFY, values);
		return merged(rows, change);
	}

	async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
		const {rows} = await this.#run('signet_get_session', sql.GET_SESSION, [tokenHash]);
		return rows.length === 0 ? undefined : toSession(rows[0]);
	}

	async putSession(record: SessionRecord): Promise<void> {
		await this.#run('signet_put_session', sql.PUT_SESSION, sessionValues(record));
	}

	async deleteSession(tokenHash: string): Promise<void> {
		await this.#run('signet_delete_session', sql.DELETE_SESSION, [tokenHash]);
	}

	async deleteSessions(match: {clientToken: string; userId: string; anonymousId: string}): Promise<number> {
		const {rowCount} = await this.#run('signet_delete_sessions', sql.DELETE_SESSIONS, [match.clientToken, match.userId, match.anonymousId]);
		return rowCount ?? 0;
	}

	async claimReply(claim: {key: string; fingerprint: string; now: Date; expiresAt: Date; staleBefore: Date}): Promise<ClaimResult> {
		const values = [claim.key, claim.fingerprint, claim.now, claim.expiresAt, claim.staleBefore];
		for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
			const {rows} = await this.#run('signet_claim_reply', sql.CLAIM_REPLY, values);
			const row = rows[0];
			if (row?.state === 'claimed') {
				return {state: 'claimed'};
			}

			if (row !== undefined) {
				return row.state === 'done' ? {state: 'done', fingerprint: row.fingerprint, sealed: row.sealed} : {state: 'running', fingerprint: row.fingerprint};
			}
		}

		throw new Error(`PostgresStore.claimReply: the reply row changed under ${CLAIM_ATTEMPTS} reads in a row`);
	}

	async finishReply(key: string, sealed: string): Promise<void> {
		await this.#run('signet_finish_reply', sql.FINISH_REPLY, [key, sealed]);
	}

	async releaseReply(key: string): Promise<void> {
		await this.#run('signet_release_reply', sql.RELEASE_REPLY, [key]);
	}

	async countCalls(keys: string[], windowMs: number, now: Date): Promise<number[]> {
		if (keys.length === 0) {
			return [];
		}

		const calls = new Map<string, number>();
		for (const key of keys) {
			calls.set(key, (calls.get(key) ?? 0) + 1);
		}

		const unique = [...calls.keys()].sort();
		const window = Math.floor(now.getTime() / windowMs);
		const values = [unique, unique.map((key) => calls.get(key)), windowMs, window, new Date((window + 1) * windowMs)];
		const {rows} = await this.#run('signet_count_calls', sql.COUNT_CALLS, values);
		const counts = new Map<string, number>(rows.map((row) => [row.key, row.count]));
		return keys.map((key) => counts.get(key)!);
	}

	async recordOutcome(outcome: Outcome): Promise<void> {
		await this.#run('signet_record_outcome', sql.RECORD_OUTCOME, outcomeValues(outcome));
	}

	async readiness(clientToken: string, since: Date): Promise<OutcomeSummary> {
		// Counted in whole hours: the hour that holds `since` counts whole.
		const hour = new Date(Math.floor(since.getTime() / HOUR_MS) * HOUR_MS);
		const {rows} = await this.#run('signet_readiness', sql.READINESS, [clientToken, hour, since]);
		const summary: OutcomeSummary = {total: 0, byCode: {}, byHint: {}, recentFailures: []};
		for (const [code, hint, count] of rows[0].buckets as Array<[string, string, number]>) {
			summary.total += count;
			summary.byCode[code] = (summary.byCode[code] ?? 0) + count;
			if (hint !== '') {
				summary.byHint[hint] = (summary.byHint[hint] ?? 0) + count;
			}
		}

		for (const failure of rows[0].failures as Array<{userId: string; code: string; hint: string | null; at: string}>) {
			const {userId, code, hint, at} = failure;
			summary.recentFailures.push(hint === null ? {userId, code, at: iso(at)} : {userId, code, hint, at: iso(at)});
		}

		return summary;
	}

	async sweep(now: Date): Promise<void> {
		await this.#run('signet_sweep', sql.SWEEP, [now, new Date(now.getTime() - this.#outcomeRetentionMs)]);
	}

	// Named statements are parsed and planned once per connection.
	#run(name: string, text: string, values: unknown[]): Promise<PostgresResult> {
		return this.#pool.query({name, text, values});
	}
}

// The parameters of MERGE_USER.
function mergeValues(change: UserChange): unknown[] {
	const {clientToken, userId, anonymousId, metadata = {}, attributes = {}, verification, now, maxMetadataBytes} = change;
	// Keys JSON drops (undefined values) are not signed: they were never stored.
	const attributeKeys = Object.keys(attributes).filter((key) => attributes[key] !== undefined);
	return [clientToken, userId, anonymousId, JSON.stringify(metadata), JSON.stringify(attributes), attributeKeys, verification, now, maxMetadataBytes, MAX_ANONYMOUS_IDS];
}

// What MERGE_USER's rows mean: none, the metadata was too large; else the
// record after the call, from which follows which rule applied (a verified
// record and an unverified call is rule 1).
function merged(rows: PostgresResult['rows'], change: UserChange): MergeResult {
	if (rows.length === 0) {
		return {ok: false, reason: 'metadata_too_large'};
	}

	const record = toUser(rows[0]);
	const frozen = record.verifiedAt !== null && change.verification !== 'ok';
	const signed = new Set(record.signedKeys);
	return {ok: true, record, ignored: Object.keys(change.metadata ?? {}).filter((key) => frozen || signed.has(key))};
}

// The parameters of RECORD_OUTCOME: the hour is its bucket.
function outcomeValues({clientToken, userId, code, hint, at}: Outcome): unknown[] {
	return [clientToken, userId, code, hint ?? null, at, new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS)];
}

// The parameters of PUT_SESSION.
function sessionValues({tokenHash, clientToken, userId, anonymousId, keyId, createdAt, expiresAt}: SessionRecord): unknown[] {
	return [tokenHash, clientToken, userId, anonymousId, keyId, createdAt, expiresAt];
}

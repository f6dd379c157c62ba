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
import {compoundKey} from '../compound-key';
import {Batches} from './batches';
import {migrate} from './migrations';
import type {PostgresConnection, PostgresPool, PostgresResult} from './pool';
import {iso, toSession, toUser} from './rows';
import {COUNT_CALLS} from './statements/counters';
import {APPLY_IDENTIFIES} from './statements/identify';
import {READINESS, RECORD_OUTCOMES} from './statements/outcomes';
import {CLAIM_REPLIES, FINISH_REPLIES, RELEASE_REPLY} from './statements/replies';
import {DELETE_SESSION, DELETE_SESSIONS, GET_SESSION, PUT_SESSION} from './statements/sessions';
import {SWEEP} from './statements/sweep';
import {GET_USER, MERGE_USERS} from './statements/users';

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

const HOUR_MS = 3_600_000;
// A claim read can miss the row that beat it (another snapshot); asking
// again sees it. More misses than this in a row means something is wrong.
const CLAIM_ATTEMPTS = 5;
// Statements of one kind in flight at once, and the most calls one
// carries (see Batches). One of each kind makes the largest statements:
// under the bench's load one per kind carried 6 calls on average and the
// API answered 2,400 identifies a second, two carried 3.5 and it answered
// 1,900 (the database's CPU per identify 320 µs against 450 µs). The
// identify path uses four kinds, well within the default pool of ten.
const BATCH = {concurrency: 1, maxItems: 64};

type Claim = {key: string; fingerprint: string; now: Date; expiresAt: Date; staleBefore: Date};
type ClaimRow = {key: string; state: 'claimed' | 'running' | 'done' | null; fingerprint: string | null; sealed: string | null};
type Count = {keys: string[]; windowMs: number; now: Date};

/**
 * An {@link IdentityStore} in PostgreSQL, shared by every API process that
 * points at the same database: a retry reaching another instance is
 * answered once, a logout anywhere ends the session everywhere, and all
 * instances count one rate limit. Every method is one SQL statement (one
 * round trip, atomic on its own); only token hashes are stored. The calls
 * every identify makes (claim, count, apply, finish, and outcomes) share
 * statements when they arrive together: while a statement of a kind is
 * in flight, the calls of that kind wait and go together in the next one,
 * so a busy API pays one round trip and one commit for many calls; each
 * call still gets its own answer or error (see batches.ts).
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
	readonly #unverifiedRetentionMs: number;
	readonly #timer: ReturnType<typeof setInterval> | undefined;
	readonly #merges: Batches<UserChange, MergeResult>;
	readonly #identifies: Batches<IdentifyWrite, MergeResult>;
	readonly #claims: Batches<Claim, ClaimRow>;
	readonly #finishes: Batches<{key: string; sealed: string}, void>;
	readonly #counts: Batches<Count, number[]>;
	readonly #outcomes: Batches<Outcome, void>;
	#closed: Promise<void> | undefined;

	constructor(connection: PostgresConnection, options: PostgresStoreOptions = {}) {
		const {sweepIntervalMs = 60_000, outcomeRetentionMs = 7 * 24 * HOUR_MS, unverifiedRetentionHours = 72, maxConnections = 10, onSweepError, now = () => new Date()} = options;
		if (!(sweepIntervalMs >= 0) || !(outcomeRetentionMs > 0) || !(maxConnections >= 1)) {
			throw new TypeError('PostgresStore: sweepIntervalMs must be at least 0, outcomeRetentionMs above 0 and maxConnections at least 1');
		}

		if (typeof unverifiedRetentionHours !== 'number' || !(unverifiedRetentionHours > 0) || !Number.isFinite(unverifiedRetentionHours)) {
			throw new TypeError('PostgresStore: unverifiedRetentionHours must be a finite number of hours above 0');
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
		this.#unverifiedRetentionMs = unverifiedRetentionHours * HOUR_MS;
		// One user's calls go in different statements: an upsert changes a row once.
		const user = ({clientToken, userId}: UserChange) => compoundKey(clientToken, userId);
		this.#merges = new Batches({...BATCH, key: user, run: (changes) => this.#mergeUsers(changes)});
		this.#identifies = new Batches({...BATCH, key: (write) => user(write.change), run: (writes) => this.#applyIdentifies(writes)});
		this.#claims = new Batches({...BATCH, key: (claim) => claim.key, run: (claims) => this.#claimReplies(claims)});
		this.#finishes = new Batches({...BATCH, key: (finish) => finish.key, run: (finishes) => this.#finishReplies(finishes)});
		this.#counts = new Batches({...BATCH, run: (counts) => this.#countCalls(counts)});
		this.#outcomes = new Batches({...BATCH, run: (outcomes) => this.#recordOutcomes(outcomes)});
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
		const {rows} = await this.#run('signet_get_user', GET_USER, [clientToken, userId]);
		return rows.length === 0 ? undefined : toUser(rows[0]);
	}

	mergeUser(change: UserChange): Promise<MergeResult> {
		return this.#merges.add(change);
	}

	/**
	 * A verified identify's outcome, change and session in one statement
	 * (one round trip, one commit, shared with the identifies that arrive
	 * meanwhile), the session only if the change applied.
	 *
	 * @example
	 * await store.applyIdentify({outcome, change, session}); // as recordOutcome, mergeUser and putSession would
	 */
	applyIdentify(write: IdentifyWrite): Promise<MergeResult> {
		return this.#identifies.add(write);
	}

	async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
		const {rows} = await this.#run('signet_get_session', GET_SESSION, [tokenHash]);
		return rows.length === 0 ? undefined : toSession(rows[0]);
	}

	async putSession(record: SessionRecord): Promise<void> {
		await this.#run('signet_put_session', PUT_SESSION, sessionValues(record));
	}

	async deleteSession(tokenHash: string): Promise<void> {
		await this.#run('signet_delete_session', DELETE_SESSION, [tokenHash]);
	}

	async deleteSessions(match: {clientToken: string; userId: string; anonymousId: string}): Promise<number> {
		const {rowCount} = await this.#run('signet_delete_sessions', DELETE_SESSIONS, [match.clientToken, match.userId, match.anonymousId]);
		return rowCount ?? 0;
	}

	async claimReply(claim: {key: string; fingerprint: string; now: Date; expiresAt: Date; staleBefore: Date}): Promise<ClaimResult> {
		for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
			const {state, fingerprint, sealed} = await this.#claims.add(claim);
			if (state === 'claimed') {
				return {state};
			}

			if (state === 'done') {
				return {state, fingerprint: fingerprint!, sealed: sealed!};
			}

			if (state === 'running') {
				return {state, fingerprint: fingerprint!};
			}
		}

		throw new Error(`PostgresStore.claimReply: the reply row changed under ${CLAIM_ATTEMPTS} reads in a row`);
	}

	finishReply(key: string, sealed: string): Promise<void> {
		return this.#finishes.add({key, sealed});
	}

	async releaseReply(key: string): Promise<void> {
		await this.#run('signet_release_reply', RELEASE_REPLY, [key]);
	}

	async countCalls(keys: string[], windowMs: number, now: Date): Promise<number[]> {
		return keys.length === 0 ? [] : this.#counts.add({keys, windowMs, now});
	}

	recordOutcome(outcome: Outcome): Promise<void> {
		return this.#outcomes.add(outcome);
	}

	async readiness(clientToken: string, since: Date): Promise<OutcomeSummary> {
		// Counted in whole hours: the hour that holds `since` counts whole.
		const hour = new Date(Math.floor(since.getTime() / HOUR_MS) * HOUR_MS);
		const {rows} = await this.#run('signet_readiness', READINESS, [clientToken, hour, since]);
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
		const time = now.getTime();
		await this.#run('signet_sweep', SWEEP, [now, new Date(time - this.#outcomeRetentionMs), new Date(time - this.#unverifiedRetentionMs)]);
	}

	// Named statements are parsed and planned once per connection.
	#run(name: string, text: string, values: unknown[]): Promise<PostgresResult> {
		return this.#pool.query({name, text, values});
	}

	// The statements each batch of calls runs (see Batches): one per batch,
	// its calls as one JSON array (see `input` in statements/fragments.ts), the
	// answers in the calls' order.

	async #mergeUsers(changes: UserChange[]): Promise<MergeResult[]> {
		return byLimit(changes, async (group) => {
			const {rows} = await this.#run('signet_merge_users', MERGE_USERS, [JSON.stringify(group.map(changeRow)), group[0].maxMetadataBytes, MAX_ANONYMOUS_IDS]);
			return mergeResults(rows, group);
		});
	}

	async #applyIdentifies(writes: IdentifyWrite[]): Promise<MergeResult[]> {
		return byLimit(
			writes.map((write) => write.change),
			async (changes, indexes) => {
				const calls = indexes.map((index) => identifyRow(writes[index]));
				const {rows} = await this.#run('signet_apply_identifies', APPLY_IDENTIFIES, [JSON.stringify(calls), changes[0].maxMetadataBytes, MAX_ANONYMOUS_IDS]);
				return mergeResults(rows, changes);
			},
		);
	}

	async #claimReplies(claims: Claim[]): Promise<ClaimRow[]> {
		const calls = claims.map(({key, fingerprint, now, expiresAt, staleBefore}) => ({key, fingerprint, now: now.getTime(), expires_at: expiresAt.getTime(), stale_before: staleBefore.getTime()}));
		const {rows} = await this.#run('signet_claim_replies', CLAIM_REPLIES, [JSON.stringify(calls)]);
		const byKey = new Map<string, ClaimRow>(rows.map((row: ClaimRow) => [row.key, row]));
		return claims.map((claim) => byKey.get(claim.key)!);
	}

	async #finishReplies(finishes: Array<{key: string; sealed: string}>): Promise<void[]> {
		// Unnamed: planned for the table as it is now (see FINISH_REPLIES).
		await this.#pool.query({text: FINISH_REPLIES, values: [finishes.map((finish) => finish.key), finishes.map((finish) => finish.sealed)]});
		return [];
	}

	// Each (key, window) counted once with all of its calls, in key order;
	// each call answered the count it would have seen had the calls run in turn.
	async #countCalls(counts: Count[]): Promise<number[][]> {
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
		const {rows: counted} = await this.#run('signet_count_calls', COUNT_CALLS, [JSON.stringify(sorted)]);
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

	async #recordOutcomes(outcomes: Outcome[]): Promise<void[]> {
		await this.#run('signet_record_outcomes', RECORD_OUTCOMES, [JSON.stringify(outcomes.map(outcomeRow))]);
		return [];
	}
}

// Runs `run` once per maxMetadataBytes among the changes (a statement
// takes one), on those changes and their indexes, and answers in the
// changes' order. In practice there are two, the API's settings: a
// verified call's and an unverified one's (MAX_UNVERIFIED_METADATA_BYTES).
async function byLimit<T>(changes: UserChange[], run: (group: UserChange[], indexes: number[]) => Promise<T[]>): Promise<T[]> {
	const limit = changes[0].maxMetadataBytes;
	if (changes.every((change) => change.maxMetadataBytes === limit)) {
		return run(
			changes,
			changes.map((_, index) => index),
		);
	}

	const groups = new Map<number, number[]>();
	changes.forEach((change, index) => groups.set(change.maxMetadataBytes, [...(groups.get(change.maxMetadataBytes) ?? []), index]));
	const answers: T[] = [];
	await Promise.all(
		[...groups.values()].map(async (indexes) => {
			const group = await run(
				indexes.map((index) => changes[index]),
				indexes,
			);
			indexes.forEach((index, position) => {
				answers[index] = group[position];
			});
		}),
	);
	return answers;
}

// A change as a row of MERGE_USERS' input. The metadata and attributes
// stay objects: JSON carries them as they are, and JSON.stringify leaves
// out what JSON cannot hold, as it always did.
function changeRow({clientToken, userId, anonymousId, metadata = {}, attributes = {}, verification, now}: UserChange) {
	return {client_token: clientToken, user_id: userId, anonymous_id: anonymousId, metadata, attributes, verification, at: now.getTime()};
}

// What the merge's rows mean for each change: no row, its metadata was
// too large; else the record after the call, from which follows which
// rule applied (a verified record and an unverified call is rule 1).
function mergeResults(rows: PostgresResult['rows'], changes: UserChange[]): MergeResult[] {
	const records = new Map<string, UserRecord>();
	for (const row of rows) {
		records.set(compoundKey(row.client_token, row.user_id), toUser(row));
	}

	return changes.map((change) => {
		const record = records.get(compoundKey(change.clientToken, change.userId));
		if (record === undefined) {
			return {ok: false, reason: 'metadata_too_large'};
		}

		const frozen = record.verifiedAt !== null && change.verification !== 'ok';
		const signed = new Set(record.signedKeys);
		return {ok: true, record, ignored: Object.keys(change.metadata ?? {}).filter((key) => frozen || signed.has(key))};
	});
}

// An outcome as a row of RECORD_OUTCOMES' input: the hour is its bucket.
function outcomeRow({clientToken, userId, code, hint, at}: Outcome) {
	const ms = at.getTime();
	return {outcome_client: clientToken, outcome_user: userId, code, hint: hint ?? null, outcome_at: ms, hour: Math.floor(ms / HOUR_MS) * HOUR_MS};
}

// A verified identify as a row of APPLY_IDENTIFIES' input: its change,
// outcome and session in one literal, as changeRow and outcomeRow write
// theirs. Three spreads into one object built it key by key through V8's
// runtime, the heaviest function of the API's profile after the socket.
function identifyRow({change, outcome, session}: IdentifyWrite) {
	const at = outcome.at.getTime();
	return {
		client_token: change.clientToken,
		user_id: change.userId,
		anonymous_id: change.anonymousId,
		metadata: change.metadata ?? {},
		attributes: change.attributes ?? {},
		verification: change.verification,
		at: change.now.getTime(),
		outcome_client: outcome.clientToken,
		outcome_user: outcome.userId,
		code: outcome.code,
		hint: outcome.hint ?? null,
		outcome_at: at,
		hour: Math.floor(at / HOUR_MS) * HOUR_MS,
		token_hash: session.tokenHash,
		session_client_token: session.clientToken,
		session_user_id: session.userId,
		session_anonymous_id: session.anonymousId,
		key_id: session.keyId,
		session_created: session.createdAt,
		session_expires: session.expiresAt,
	};
}

// The parameters of PUT_SESSION.
function sessionValues({tokenHash, clientToken, userId, anonymousId, keyId, createdAt, expiresAt}: SessionRecord): unknown[] {
	return [tokenHash, clientToken, userId, anonymousId, keyId, createdAt, expiresAt];
}

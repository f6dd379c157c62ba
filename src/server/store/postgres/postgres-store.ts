import type {AuditEvent, Registry, RegistryStore, RegistryWrite, RegistryWriteResult} from '../registry';
import type {CallCount, ReplyClaim} from '../claim-and-count';
import type {ClaimAndCountResult, ClaimResult, IdentifyResult, IdentifyWrite, IdentityStore, MergeResult, Outcome, OutcomeSummary, SessionRecord, UserChange, UserRecord} from '../store';
import {compoundKey} from '../compound-key';
import {HOUR_MS} from '../instant';
import {Batches} from './batches';
import {countCallsTogether, type Count} from './call-counts';
import {migrate} from './migrations';
import {flushOutcomes} from './outcomes';
import {PendingOutcomes} from './pending-outcomes';
import {auditEvents, readRegistry, registryVersion, touchKeys, writeRegistry} from './registry';
import {RegistryListener} from './registry-listener';
import {openPool, runNamed, type PostgresConnection, type PostgresPool} from './pool';
import {type ClaimCount, type ClaimCountRow, claimAndCount, claimCounts, type ClaimRow, claimReplies, claimReply, type Finish, finishReplies} from './reply-claims';
import {toOutcomeSummary, toSession, toUser} from './rows';
import {READINESS} from './statements/outcomes';
import {RELEASE_REPLY} from './statements/replies';
import {DELETE_SESSION, DELETE_SESSIONS, GET_SESSION, PUT_SESSION} from './statements/sessions';
import {SWEEP, SWEPT} from './statements/sweep';
import {GET_USER} from './statements/users';
import {type PostgresStoreOptions, storeOptions} from './store-options';
import {sweepTimer} from './sweep-timer';
import {applyIdentifies, mergeUsers} from './user-writes';

// Statements of one kind in flight at once, and the most calls one
// carries (see Batches). One of each kind makes the largest statements:
// under the bench's load one per kind carried 6 calls on average and the
// API answered 2,400 identifies a second, two carried 3.5 and it answered
// 1,900 (the database's CPU per identify 320 µs against 450 µs). The
// identify path uses four kinds, well within the default pool of ten.
const BATCH = {concurrency: 1, maxItems: 64};

// Rounds of one sweep: 100 of the default 1,000 rows a table, as many as a
// busy API expires in a minute many times over; what is left waits a minute.
const MAX_SWEEP_ROUNDS = 100;

/**
 * An {@link IdentityStore} in PostgreSQL, shared by every API process that
 * points at the same database: a retry reaching another instance is
 * answered once, a logout anywhere ends the session everywhere, and all
 * instances count one rate limit. Every method is one SQL statement (one
 * round trip, atomic on its own); only token hashes are stored (and
 * tokens sealed under a key the database never sees). Verification
 * outcomes are counted in memory and written every `outcomeFlushMs` in one
 * statement (see PendingOutcomes). The calls
 * every identify makes (claim, count, apply, finish) share
 * statements when they arrive together: while a statement of a kind is
 * in flight, the calls of that kind wait and go together in the next one,
 * so a busy API pays one round trip and one commit for many calls; each
 * call still gets its own answer or error (see batches.ts).
 * `claimReply` and `applyIdentify` commit without waiting for the disk:
 * the handler always follows them with `finishReply` or `releaseReply`,
 * whose synchronous commit flushes them too before the call is answered
 * (README, "Durability").
 *
 * It keeps the control plane's registry too (see registry.ts): each
 * registry method is one statement, a write all or nothing and guarded by
 * the client's revision across processes, and a write NOTIFYs
 * `signet_registry` with the new version.
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
export class PostgresStore implements IdentityStore, RegistryStore {
	readonly #pool: PostgresPool;
	readonly #ownsPool: boolean;
	readonly #outcomeRetentionMs: number;
	readonly #unverifiedRetentionMs: number;
	readonly #sweepBatchSize: number;
	readonly #timer: ReturnType<typeof setInterval> | undefined;
	readonly #merges: Batches<UserChange, MergeResult>;
	readonly #identifies: Batches<IdentifyWrite, IdentifyResult>;
	readonly #claims: Batches<ReplyClaim, ClaimRow>;
	readonly #claimCounts: Batches<ClaimCount, ClaimCountRow>;
	readonly #finishes: Batches<Finish, void>;
	readonly #counts: Batches<Count, number[]>;
	readonly #outcomes = new PendingOutcomes();
	readonly #flushTimer: ReturnType<typeof setInterval>;
	// The outcome write under way (one at a time), which readiness and close() wait for.
	#flushing: Promise<void> = Promise.resolve();
	readonly #listener: RegistryListener;
	#closed: Promise<void> | undefined;

	constructor(connection: PostgresConnection, options: PostgresStoreOptions = {}) {
		const settings = storeOptions(options);
		const {sweepIntervalMs, outcomeRetentionMs, unverifiedRetentionMs, onSweepError, now} = settings;
		const {pool, owned} = openPool(connection, settings);
		this.#pool = pool;
		this.#ownsPool = owned;
		this.#outcomeRetentionMs = outcomeRetentionMs;
		this.#unverifiedRetentionMs = unverifiedRetentionMs;
		this.#sweepBatchSize = settings.sweepBatchSize;
		// One user's calls go in different statements: an upsert changes a row once.
		const user = ({clientToken, userId}: UserChange) => compoundKey(clientToken, userId);
		this.#merges = new Batches({...BATCH, key: user, run: (changes) => mergeUsers(pool, changes)});
		this.#identifies = new Batches({...BATCH, key: (write) => user(write.change), run: (writes) => applyIdentifies(pool, writes)});
		this.#claims = new Batches({...BATCH, key: (claim) => claim.key, run: (claims) => claimReplies(pool, claims)});
		this.#claimCounts = new Batches({...BATCH, key: (claim) => claim.key, run: (claims) => claimCounts(pool, claims)});
		this.#finishes = new Batches({...BATCH, key: (finish) => finish.key, run: (finishes) => finishReplies(pool, finishes)});
		this.#counts = new Batches({...BATCH, run: (counts) => countCallsTogether(pool, counts)});
		this.#flushTimer = setInterval(() => void this.#flushOutcomes().catch((error: unknown) => onSweepError?.(error)), settings.outcomeFlushMs);
		this.#flushTimer.unref();
		this.#listener = new RegistryListener(pool);
		this.#timer = sweepTimer(sweepIntervalMs, (time) => this.sweep(time), now, onSweepError);
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
		clearInterval(this.#flushTimer);
		this.#listener.close();
		// The outcomes counted since the last write go first, if the database takes them.
		this.#closed ??= this.#flushOutcomes()
			.catch(() => {})
			.then(() => (this.#ownsPool ? this.#pool.end() : undefined));
		return this.#closed;
	}

	async getUser(clientToken: string, userId: string): Promise<UserRecord | undefined> {
		const {rows} = await runNamed(this.#pool, 'signet_get_user', GET_USER, [clientToken, userId]);
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
	async applyIdentify(write: IdentifyWrite): Promise<IdentifyResult> {
		const result = await this.#identifies.add(write);
		// Counted once the write is done (applied or too large), as when it was one statement.
		this.#outcomes.add(write.outcome);
		return result;
	}

	async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
		const {rows} = await runNamed(this.#pool, 'signet_get_session', GET_SESSION, [tokenHash]);
		return rows.length === 0 ? undefined : toSession(rows[0]);
	}

	async putSession(record: SessionRecord): Promise<void> {
		await runNamed(this.#pool, 'signet_put_session', PUT_SESSION, sessionValues(record));
	}

	async deleteSession(tokenHash: string): Promise<void> {
		await runNamed(this.#pool, 'signet_delete_session', DELETE_SESSION, [tokenHash]);
	}

	async deleteSessions(match: {clientToken: string; userId: string; anonymousId: string}): Promise<number> {
		const {rowCount} = await runNamed(this.#pool, 'signet_delete_sessions', DELETE_SESSIONS, [match.clientToken, match.userId, match.anonymousId]);
		return rowCount ?? 0;
	}

	claimReply(claim: ReplyClaim): Promise<ClaimResult> {
		return claimReply(this.#claims, claim);
	}

	/**
	 * The claim and a claimed call's rate limits in one statement (one
	 * round trip, shared with the claims that arrive meanwhile: see
	 * CLAIM_COUNT); limits past the second, which the handler never has,
	 * are counted after it in turn.
	 *
	 * @example
	 * const {state, counts} = await store.claimAndCount(claim, {limits: [{key: addressKey, max: 600}, {key: visitorKey, max: 120}], windowMs, now});
	 */
	async claimAndCount(claim: ReplyClaim, count: CallCount): Promise<ClaimAndCountResult> {
		const result = await claimAndCount(this.#claimCounts, claim, count);
		const counts = result.counts;
		for (let index = counts?.length ?? 0; counts !== undefined && index < count.limits.length && counts[index - 1] <= count.limits[index - 1].max; index++) {
			counts.push((await this.countCalls([count.limits[index].key], count.windowMs, count.now))[0]);
		}

		return result;
	}

	finishReply(key: string, sealed: string): Promise<void> {
		return this.#finishes.add({key, sealed});
	}

	async releaseReply(key: string): Promise<void> {
		await runNamed(this.#pool, 'signet_release_reply', RELEASE_REPLY, [key]);
	}

	async countCalls(keys: string[], windowMs: number, now: Date): Promise<number[]> {
		return keys.length === 0 ? [] : this.#counts.add({keys, windowMs, now});
	}

	/**
	 * Counts the outcome in this process; every `outcomeFlushMs` the counts
	 * go to the database in one statement (see PendingOutcomes).
	 */
	recordOutcome(outcome: Outcome): void {
		this.#outcomes.add(outcome);
	}

	/** Every process's outcomes as written so far, this process's counted since included (written first). */
	async readiness(clientToken: string, since: Date): Promise<OutcomeSummary> {
		await this.#flushOutcomes();
		// Counted in whole hours: the hour that holds `since` counts whole.
		const hour = new Date(Math.floor(since.getTime() / HOUR_MS) * HOUR_MS);
		const {rows} = await runNamed(this.#pool, 'signet_readiness', READINESS, [clientToken, hour, since]);
		return toOutcomeSummary(rows[0]);
	}

	readRegistry(): Promise<Registry> {
		return readRegistry(this.#pool);
	}

	registryVersion(): Promise<number> {
		return registryVersion(this.#pool);
	}

	writeRegistry(write: RegistryWrite, event: AuditEvent): Promise<RegistryWriteResult> {
		return writeRegistry(this.#pool, write, event);
	}

	/** Answers once the database answers one statement (`GET /readyz`); rejects while it cannot be reached. */
	async ping(): Promise<void> {
		await this.#pool.query({text: 'SELECT 1'});
	}

	/** Calls `onChange` after each registry write of any process (LISTEN/NOTIFY on one connection); answers how to stop. */
	watchRegistry(onChange: () => void): () => void {
		return this.#listener.watch(onChange);
	}

	touchKeys(uses: Array<{clientToken: string; keyId: string; at: string}>): Promise<void> {
		return touchKeys(this.#pool, uses);
	}

	auditEvents(filter: {clientToken?: string; limit: number}): Promise<AuditEvent[]> {
		return auditEvents(this.#pool, filter);
	}

	// Writes the outcomes counted so far in one statement, after the write
	// under way; rows of a write that fails are counted again for the next.
	#flushOutcomes(): Promise<void> {
		this.#flushing = this.#flushing.then(
			() => flushOutcomes(this.#pool, this.#outcomes),
			() => flushOutcomes(this.#pool, this.#outcomes),
		);
		return this.#flushing;
	}

	/**
	 * Deletes what has expired (see SWEEP), in rounds of at most
	 * `sweepBatchSize` rows per table, each its own short statement, until
	 * no table has more (or MAX_SWEEP_ROUNDS rounds: the next sweep goes on).
	 */
	async sweep(now: Date): Promise<void> {
		const time = now.getTime();
		const values = [now, new Date(time - this.#outcomeRetentionMs), new Date(time - this.#unverifiedRetentionMs), this.#sweepBatchSize];
		for (let round = 0; round < MAX_SWEEP_ROUNDS; round++) {
			const {rows} = await runNamed(this.#pool, 'signet_sweep', SWEEP, values);
			if (SWEPT.every((name) => rows[0][name] < this.#sweepBatchSize)) {
				return;
			}
		}
	}
}

// The parameters of PUT_SESSION.
function sessionValues({tokenHash, clientToken, userId, anonymousId, keyId, createdAt, expiresAt, sealId, sealed}: SessionRecord): unknown[] {
	return [tokenHash, clientToken, userId, anonymousId, keyId, createdAt, expiresAt, sealId ?? null, sealed ?? null];
}

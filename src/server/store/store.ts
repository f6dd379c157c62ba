import type {VerificationOutcome} from '../../shared/verification';
import type {CallCount, ReplyClaim} from './claim-and-count';

/**
 * A value, or a promise of it: a store may answer synchronously (memory) or not (a database).
 *
 * @example
 * const user: MaybePromise<UserRecord | undefined> = store.getUser('ct_demo', '42');
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * One identified user of one client. Repeated identify calls update this
 * record; there is never more than one per (clientToken, userId).
 *
 * @example
 * const record = await store.getUser('ct_demo', '42');
 * record?.verifiedAt // '2026-11-21T12:00:00.000Z' once a call verified
 */
export type UserRecord = {
	/** The client (public client token) this user belongs to. */
	clientToken: string;
	/** The user id exactly as signed and sent. */
	userId: string;
	/**
	 * Everything applied so far, shallow-merged: later calls overwrite a key,
	 * never remove one. Once verified, only what verified calls wrote: the
	 * first verified call drops what unverified calls wrote before it.
	 * Signed attributes (identity tokens) are here too, and win over
	 * unsigned metadata. Its JSON is at most `maxMetadataBytes`.
	 */
	metadata: Record<string, unknown>;
	/** Keys of `metadata` whose values came from a signed identity token: unsigned calls cannot change them. */
	signedKeys: string[];
	/** Anonymous ids this user was seen with, oldest first, at most {@link MAX_ANONYMOUS_IDS}. */
	anonymousIds: string[];
	/** Whether the latest applied call was verified. */
	verified: boolean;
	/** What verification said of the latest applied call. */
	verification: VerificationOutcome;
	/**
	 * When a call for this user first verified (ISO time), or `null`. From
	 * then on unverified calls change nothing but {@link UserRecord.unverifiedCalls}.
	 */
	verifiedAt: string | null;
	/** Unverified calls that reached this record after it was verified (counted, not applied): for monitor reporting. */
	unverifiedCalls: number;
	/** When the record was created (ISO time). */
	createdAt: string;
	/** When a call last changed the record (ISO time). */
	updatedAt: string;
	/**
	 * How many calls were applied to this record: a retried call counts
	 * once. A call that is the last applied call again (same metadata,
	 * attributes, anonymous id and verification) would change nothing; a
	 * store may leave the record as it is then, this count and `updatedAt`
	 * included (PostgresStore does: a page reload writes no row).
	 */
	applied: number;
};

/**
 * How many anonymous ids a user record keeps (the newest ones).
 *
 * @example
 * record.anonymousIds.length <= MAX_ANONYMOUS_IDS // always
 */
export const MAX_ANONYMOUS_IDS = 20;

/**
 * One call to apply to a user's record, as {@link IdentityStore.mergeUser}
 * receives it. The store applies it atomically (two calls for one user at
 * once lose nothing), by these rules:
 *
 * 1. The record already has `verifiedAt` and this call is not verified
 *    (`verification !== 'ok'`): nothing changes but `unverifiedCalls + 1`;
 *    the answer lists every metadata key as ignored.
 * 2. Otherwise `metadata` keys that are signed (in the record's
 *    `signedKeys` or in this call's `attributes`) are ignored; the other
 *    keys, then `attributes`, are merged over the old metadata, and
 *    `signedKeys` gains the keys of `attributes`. But when the record has
 *    never been verified (`verifiedAt` null) and this call is verified,
 *    what unverified calls wrote is dropped: the metadata is this call's
 *    metadata with its `attributes` over it, alone, and `signedKeys` the
 *    keys of `attributes` (SPEC §3, "Unverified data": an unsigned call
 *    must not plant what a verified record then vouches for).
 * 3. If the merged metadata's JSON (UTF-8 bytes, as `JSON.stringify`
 *    writes it) would exceed `maxMetadataBytes`, nothing changes and the
 *    answer is `{ok: false, reason: 'metadata_too_large'}`.
 * 4. The anonymous id moves to the end of `anonymousIds` (newest
 *    {@link MAX_ANONYMOUS_IDS} kept; on a first verified call as in rule
 *    2, it is the only one left), `verified`, `verification`,
 *    `updatedAt` are set, `verifiedAt` is set if still null and verified,
 *    and `applied` counts up.
 *
 * @example
 * await store.mergeUser({clientToken, userId: '42', anonymousId, metadata: {plan: 'pro'}, verification: 'ok', now, maxMetadataBytes: 16_384});
 */
export type UserChange = {
	clientToken: string;
	userId: string;
	anonymousId: string;
	/** Unsigned metadata the page sent. */
	metadata?: Record<string, unknown>;
	/** Signed attributes from a verified identity token. */
	attributes?: Record<string, unknown>;
	verification: VerificationOutcome;
	now: Date;
	/** The largest merged metadata, in UTF-8 bytes of its JSON. */
	maxMetadataBytes: number;
};

/**
 * What {@link IdentityStore.mergeUser} answers: the record after the call and the metadata keys it ignored, or why nothing changed.
 *
 * @example
 * const result = await store.mergeUser(change);
 * if (!result.ok) return invalid('metadata', 'too large'); // result.reason === 'metadata_too_large'
 */
export type MergeResult = {ok: true; record: UserRecord; ignored: string[]} | {ok: false; reason: 'metadata_too_large'};

/**
 * A session handed to the page after a verified identify. Only the SHA-256
 * of its token is kept, so a leaked store does not leak usable tokens.
 *
 * @example
 * await store.putSession({tokenHash, clientToken, userId: '42', anonymousId, keyId, createdAt, expiresAt});
 */
export type SessionRecord = {
	/** Lowercase hex SHA-256 of the token's UTF-8 text. */
	tokenHash: string;
	/** The client the session belongs to. */
	clientToken: string;
	/** The verified user. */
	userId: string;
	/** The visitor (anonymous id) the session was opened for. */
	anonymousId: string;
	/**
	 * Which key verified the identity: a fingerprint (not the key). When a
	 * key is removed from the client's configuration, its sessions stop working.
	 */
	keyId: string;
	/** When it was opened (ISO time). */
	createdAt: string;
	/** When it ends (ISO time); the store may forget it after that. */
	expiresAt: string;
	/**
	 * Only with a store others can read: what gives the token back with a
	 * key derived from the proof that opened the session (which the store
	 * never sees), and an id of that key, so that the same proof on any
	 * instance can answer this session again (see {@link IdentifyWrite}).
	 * Getting the token needs the proof, which opens a session anyway.
	 */
	sealed?: string;
	sealId?: string;
};

/**
 * A remembered answer to a call, so that a retry gets the same answer
 * without the call being applied twice, on any instance. `key` is a hash of
 * the call's ids; `fingerprint` a hash of the whole call (route, ids, body
 * without `sentAt`, bearer token), so a reused id with another body is told
 * apart; `sealed` is the answer encrypted with a key the store never sees
 * (it may carry a session token), or `null` while the call is still running.
 * A store that declares {@link IdentityStore.inProcess} gets the answer's
 * JSON text in `sealed` instead.
 *
 * @example
 * store.replies() // MemoryStore: [{key: '3f…', fingerprint: '9a…', sealed: 'q1…', createdAt, expiresAt}]
 */
export type StoredReply = {
	key: string;
	fingerprint: string;
	sealed: string | null;
	/** ISO times: when the call was claimed, and when the store may forget it. */
	createdAt: string;
	expiresAt: string;
};

/**
 * What {@link IdentityStore.claimReply} answers: `claimed` (this caller
 * runs the call, then calls `finishReply` or `releaseReply`), `running`
 * (another caller claimed it and has not finished), or `done` with the
 * sealed answer. `fingerprint` is the one the first caller stored.
 *
 * @example
 * const claim = await store.claimReply({key, fingerprint, now, expiresAt, staleBefore});
 * if (claim.state === 'done' && claim.fingerprint !== fingerprint) return conflict();
 */
export type ClaimResult = {state: 'claimed'} | {state: 'running'; fingerprint: string} | {state: 'done'; fingerprint: string; sealed: string};

/**
 * What {@link IdentityStore.claimAndCount} answers: the claim's result
 * and, when this caller claimed the call, `counts`: each limit's count
 * with this call, in the limits' order, up to and including the first
 * that is over its `max` (the limits after it are not counted).
 *
 * @example
 * const {state, counts} = await store.claimAndCount(claim, count); // {state: 'claimed', counts: [14, 3]}
 */
export type ClaimAndCountResult = ClaimResult & {counts?: number[]};

/**
 * One verification outcome of an identify call, for readiness reporting.
 *
 * @example
 * await store.recordOutcome({clientToken: 'ct_demo', userId: '42', code: 'hash_invalid', at: now});
 */
export type Outcome = {
	clientToken: string;
	userId: string;
	/** `ok`, or the code enforcement would refuse with. */
	code: string;
	/** The likely mistake, when the API could name one. */
	hint?: string;
	at: Date;
};

/**
 * A verified identify's three writes, as {@link IdentityStore.applyIdentify}
 * receives them: its outcome, its change to the user's record, and the
 * session it opens if the change applies. With `reuseFrom` (ISO time), a
 * live session of the same client, user, visitor and key, sealed under the
 * same key (`session.sealId`), ending between `reuseFrom` and
 * `session.expiresAt`, is answered as `reused` instead, and `session` is
 * not stored: a page reload opens no new session.
 *
 * @example
 * await store.applyIdentify?.({outcome: {clientToken, userId: '42', code: 'ok', at: now}, change, session});
 */
export type IdentifyWrite = {outcome: Outcome; change: UserChange; session: SessionRecord; reuseFrom?: string};

/**
 * What {@link IdentityStore.applyIdentify} answers: what `mergeUser` would,
 * and the session reused instead of storing a new one, if any.
 *
 * @example
 * const result = await store.applyIdentify(write); // {ok: true, record, ignored: [], reused: {tokenHash, sealed, …}}
 */
export type IdentifyResult = MergeResult | {ok: true; record: UserRecord; ignored: string[]; reused?: SessionRecord};

/**
 * The outcomes of one client since a time, as {@link IdentityStore.readiness} answers them.
 *
 * @example
 * const summary = await store.readiness('ct_demo', new Date(Date.now() - 86_400_000));
 * summary.byCode // {ok: 980, hash_invalid: 20}
 */
export type OutcomeSummary = {
	total: number;
	byCode: Record<string, number>;
	byHint: Record<string, number>;
	/** The newest failures first, at most 50. */
	recentFailures: Array<{userId: string; code: string; hint?: string; at: string}>;
};

/**
 * Where the reference API keeps all of its state: users, sessions,
 * remembered answers, rate-limit counters and verification outcomes. Every
 * method may answer directly or with a promise, so a database fits behind
 * it, and every method is atomic on its own: several API processes may
 * share one store. `MemoryStore` is the default; `PostgresStore`
 * (`signet-js/server/postgres`) is the shared one.
 *
 * @example
 * const handler = createIdentityHandler({clients, store: new MemoryStore({maxUsers: 50_000})});
 */
export type IdentityStore = {
	/** The record of (clientToken, userId), if any. */
	getUser(clientToken: string, userId: string): MaybePromise<UserRecord | undefined>;
	/** Applies one call to the user's record atomically, by the rules of {@link UserChange}. */
	mergeUser(change: UserChange): MaybePromise<MergeResult>;

	/** The session with this token hash, expired or not (the caller checks `expiresAt`). */
	getSession(tokenHash: string): MaybePromise<SessionRecord | undefined>;
	/** Stores a new session. */
	putSession(record: SessionRecord): MaybePromise<void>;
	/** Ends one session. */
	deleteSession(tokenHash: string): MaybePromise<void>;
	/** Ends every session of one user on one visitor (logout); answers how many ended. */
	deleteSessions(match: {clientToken: string; userId: string; anonymousId: string}): MaybePromise<number>;

	/**
	 * Claims the call `key` for this caller unless a live claim or answer
	 * exists. A `running` claim older than `staleBefore` (its caller died)
	 * and an answer past its `expiresAt` count as absent.
	 */
	claimReply(claim: ReplyClaim): MaybePromise<ClaimResult>;
	/** Stores the sealed answer of a claimed call. */
	finishReply(key: string, sealed: string): MaybePromise<void>;
	/** Forgets a claim whose answer should not be remembered (429, 5xx): a retry runs the call again. */
	releaseReply(key: string): MaybePromise<void>;

	/**
	 * Counts one call for each key in the fixed window of `windowMs` that
	 * holds `now` (windows start at multiples of `windowMs` since the epoch,
	 * so every instance agrees), and answers each key's count in it,
	 * this call included.
	 */
	countCalls(keys: string[], windowMs: number, now: Date): MaybePromise<number[]>;

	/** Records one verification outcome. */
	recordOutcome(outcome: Outcome): MaybePromise<void>;
	/** The outcomes of one client since `since` (the store may count in whole hours). */
	readiness(clientToken: string, since: Date): MaybePromise<OutcomeSummary>;

	/**
	 * Forgets what has expired: sessions, answers, counters, old outcomes,
	 * and user records never verified older than the store's retention
	 * (`unverifiedRetentionHours` in the stores here). Safe to call at any time.
	 */
	sweep(now: Date): MaybePromise<void>;

	/**
	 * Optional: a verified identify's writes as one atomic step. Records
	 * `outcome`, applies `change` by the rules of {@link UserChange} and,
	 * only if it applied, stores `session` (or answers a live one instead,
	 * with `reuseFrom`); answers what `mergeUser` answers. The handler uses
	 * it when the store has it (a database then makes one round trip and
	 * one commit where it would make three), and
	 * otherwise calls `recordOutcome`, `mergeUser` and `putSession` in turn.
	 */
	applyIdentify?(write: IdentifyWrite): MaybePromise<IdentifyResult>;

	/**
	 * Optional: `claimReply` and, only if this caller claimed the call, its
	 * rate limits counted in turn (see {@link CallCount}), as one step: a
	 * database answers both in one round trip where it would make one per
	 * limit more. Without it the handler calls `claimReply`, then `countCalls`.
	 */
	claimAndCount?(claim: ReplyClaim, count: CallCount): MaybePromise<ClaimAndCountResult>;

	/**
	 * Optional: answers once the store can answer calls (PostgreSQL: one
	 * round trip), and rejects when it cannot; `GET /readyz` asks it. A store
	 * without it is asked for a session instead.
	 */
	ping?(): MaybePromise<void>;

	/**
	 * Optional: `true` for a store that keeps everything in this process's
	 * memory, as `MemoryStore` does. Whoever can read such a store can read
	 * the client secrets beside it, so sealing a remembered answer there
	 * protects nothing: the handler hands it the answer's JSON text instead
	 * of encrypting it (no key derivation and no AES-GCM per call). Leave it
	 * out for any store another process or person can read (a database, a
	 * cache, a file): answers are then sealed, and the store never holds a
	 * readable session token. Read once, when the handler is created.
	 */
	readonly inProcess?: boolean;
};

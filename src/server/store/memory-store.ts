import {CallCounters} from './call-counters';
import {compoundKey} from './compound-key';
import {LruMap} from './lru-map';
import {MemoryRegistry} from './memory-registry';
import {OutcomeTally} from './outcome-tally';
import type {AuditEvent, Registry, RegistryStore, RegistryWrite, RegistryWriteResult} from './registry';
import type {ClaimResult, IdentityStore, MergeResult, Outcome, OutcomeSummary, SessionRecord, StoredReply, UserChange, UserRecord} from './store';
import {UserRecords} from './user-records';
import type {ReplyClaim} from './claim-and-count';

/** Limits of a {@link MemoryStore}. Past each, the least recently used entry is forgotten first. */
export type MemoryStoreOptions = {
	/**
	 * Verified user records kept (those with `verifiedAt`). A record's
	 * metadata is at most 16 KiB, so the default bounds them to about 200
	 * MB at worst. Records never verified do not count here and never push
	 * one out (see `maxUnverifiedUsers`).
	 * @default 10_000
	 */
	maxUsers?: number;
	/**
	 * User records never verified kept (monitor mode: anyone with the client
	 * token can make one per user id it invents), apart from the verified
	 * ones: a flood of them pushes out only each other, never a verified
	 * record. Their metadata is at most 4 KiB, so the default bounds them to
	 * about 50 MB at worst. A record moves to the verified ones at its first
	 * verified call.
	 * @default 10_000
	 * @example new MemoryStore({maxUnverifiedUsers: 1_000}) // a small demo
	 */
	maxUnverifiedUsers?: number;
	/**
	 * How long a record never verified is kept after it was created: the
	 * sweep forgets it then (calls cannot keep one alive), as PostgresStore
	 * does. Verified records are never swept.
	 * @example new MemoryStore({unverifiedRetentionHours: 24})
	 * @default 72
	 */
	unverifiedRetentionHours?: number;
	/**
	 * Sessions kept (their pages then get 401 `session_invalid` and identify again).
	 * @default 100_000
	 */
	maxSessions?: number;
	/**
	 * Remembered answers kept for retries.
	 * @default 10_000
	 */
	maxReplies?: number;
	/**
	 * Rate-limit counters kept (one per key and window).
	 * @default 100_000
	 */
	maxCounters?: number;
	/**
	 * Audit events of the control plane kept (the newest).
	 * @default 10_000
	 */
	maxAuditEvents?: number;
	/**
	 * How long verification outcomes are kept for {@link MemoryStore.readiness}.
	 * @default 604_800_000 (7 days)
	 */
	outcomeRetentionMs?: number;
};

const CLAIMED: ClaimResult = Object.freeze({state: 'claimed'});

/** A remembered answer as kept here: times as numbers, made ISO only for `replies()`. */
type Entry = {fingerprint: string; sealed: string | null; createdAt: number; expiresAt: number};

/**
 * The default {@link IdentityStore}: everything in this process's memory,
 * gone on restart, and bounded everywhere. Records are immutable: a change
 * builds a new record from the old one (sharing what did not change), so
 * the hot path never deep-copies; only the accessors for tests and the demo
 * (`users()`, `sessions()`, `replies()`) copy.
 *
 * @example
 * const store = new MemoryStore({maxUsers: 50_000});
 * const handler = createIdentityHandler({clients, store});
 * // later, in a test:
 * store.users('ct_demo'); // [{userId: '42', applied: 1, …}]
 */
export class MemoryStore implements IdentityStore, RegistryStore {
	/** Verified records and, bounded apart, those never verified. */
	readonly #users: UserRecords;
	readonly #sessions: LruMap<SessionRecord>;
	/** Token hashes of each visitor's sessions, for logout. */
	readonly #visitorSessions = new Map<string, Set<string>>();
	readonly #replies: LruMap<Entry>;
	readonly #counters: CallCounters;
	readonly #outcomes: OutcomeTally;
	/** The control plane's clients, keys, credentials and audit log. */
	readonly #registry: MemoryRegistry;
	/** Everything stays in this process: remembered answers come as JSON text, not sealed (see IdentityStore.inProcess). */
	readonly inProcess = true;

	constructor(options: MemoryStoreOptions = {}) {
		const {unverifiedRetentionHours = 72, ...counts} = options;
		if (typeof unverifiedRetentionHours !== 'number' || !(unverifiedRetentionHours > 0) || !Number.isFinite(unverifiedRetentionHours)) {
			throw new TypeError('MemoryStore option unverifiedRetentionHours must be a finite number of hours above 0');
		}

		const limits = {maxUsers: 10_000, maxUnverifiedUsers: 10_000, maxSessions: 100_000, maxReplies: 10_000, maxCounters: 100_000, maxAuditEvents: 10_000, outcomeRetentionMs: 7 * 24 * 60 * 60 * 1000, ...counts};
		for (const [name, value] of Object.entries(limits)) {
			if (typeof value !== 'number' || !(value >= 1)) {
				throw new TypeError(`MemoryStore option ${name} must be a number, at least 1`);
			}
		}

		this.#users = new UserRecords(limits.maxUsers, limits.maxUnverifiedUsers, unverifiedRetentionHours * 3_600_000);
		// A session forgotten for room is forgotten by its visitor too.
		this.#sessions = new LruMap(limits.maxSessions, (tokenHash, session) => this.#forgetVisitorSession(session));
		this.#replies = new LruMap(limits.maxReplies);
		this.#counters = new CallCounters(limits.maxCounters);
		this.#outcomes = new OutcomeTally(limits.outcomeRetentionMs, limits.maxUsers);
		this.#registry = new MemoryRegistry(limits.maxAuditEvents);
	}

	readRegistry(): Registry {
		return this.#registry.readRegistry();
	}

	registryVersion(): number {
		return this.#registry.registryVersion();
	}

	writeRegistry(write: RegistryWrite, event: AuditEvent): RegistryWriteResult {
		return this.#registry.writeRegistry(write, event);
	}

	touchKeys(uses: Array<{clientToken: string; keyId: string; at: string}>): void {
		this.#registry.touchKeys(uses);
	}

	auditEvents(filter: {clientToken?: string; limit: number}): AuditEvent[] {
		return this.#registry.auditEvents(filter);
	}

	/** Answers at once: memory is always there. */
	ping(): void {}

	getUser(clientToken: string, userId: string): UserRecord | undefined {
		return this.#users.get(clientToken, userId);
	}

	mergeUser(change: UserChange): MergeResult {
		return this.#users.merge(change);
	}

	getSession(tokenHash: string): SessionRecord | undefined {
		return this.#sessions.get(tokenHash);
	}

	putSession(record: SessionRecord): void {
		// A literal, not a frozen spread copy: V8 gave each of those a shape of
		// its own, and every read of a session missed its inline cache.
		const {tokenHash, clientToken, userId, anonymousId, keyId, createdAt, expiresAt} = record;
		const session: SessionRecord = Object.freeze({tokenHash, clientToken, userId, anonymousId, keyId, createdAt, expiresAt});
		this.deleteSession(session.tokenHash);
		const visitor = visitorKey(session);
		const hashes = this.#visitorSessions.get(visitor) ?? new Set();
		hashes.add(session.tokenHash);
		this.#visitorSessions.set(visitor, hashes);
		this.#sessions.touch(session.tokenHash, session);
	}

	deleteSession(tokenHash: string): void {
		const session = this.#sessions.get(tokenHash);
		if (session === undefined) {
			return;
		}

		this.#sessions.delete(tokenHash);
		this.#forgetVisitorSession(session);
	}

	deleteSessions(match: {clientToken: string; userId: string; anonymousId: string}): number {
		const hashes = [...(this.#visitorSessions.get(visitorKey(match)) ?? [])];
		hashes.forEach((tokenHash) => this.deleteSession(tokenHash));
		return hashes.length;
	}

	claimReply({key, fingerprint, now, expiresAt, staleBefore}: ReplyClaim): ClaimResult {
		const stored = this.#replies.get(key);
		if (stored !== undefined && stored.sealed !== null && stored.expiresAt > now.getTime()) {
			return {state: 'done', fingerprint: stored.fingerprint, sealed: stored.sealed};
		}

		if (stored !== undefined && stored.sealed === null && stored.createdAt >= staleBefore.getTime()) {
			return {state: 'running', fingerprint: stored.fingerprint};
		}

		const claim = {fingerprint, sealed: null, createdAt: now.getTime(), expiresAt: expiresAt.getTime()};
		if (stored === undefined) {
			this.#replies.add(key, claim);
		} else {
			this.#replies.touch(key, claim);
		}

		return CLAIMED;
	}

	finishReply(key: string, sealed: string): void {
		// A claim forgotten meanwhile (the store was full) stays forgotten: a
		// retry then runs the call again rather than meet a stranger's answer.
		// Entries never leave the store, so one can change in place.
		const claim = this.#replies.get(key);
		if (claim !== undefined) {
			claim.sealed = sealed;
		}
	}

	releaseReply(key: string): void {
		this.#replies.delete(key);
	}

	countCalls(keys: string[], windowMs: number, now: Date): number[] {
		return this.#counters.count(keys, windowMs, now);
	}

	recordOutcome(outcome: Outcome): void {
		this.#outcomes.record(outcome);
	}

	#forgetVisitorSession(session: SessionRecord): void {
		const visitor = visitorKey(session);
		const hashes = this.#visitorSessions.get(visitor);
		hashes?.delete(session.tokenHash);
		if (hashes?.size === 0) {
			this.#visitorSessions.delete(visitor);
		}
	}

	readiness(clientToken: string, since: Date): OutcomeSummary {
		return this.#outcomes.summary(clientToken, since);
	}

	sweep(now: Date): void {
		const time = now.getTime();
		for (const session of [...this.#sessions.values()]) {
			if (Date.parse(session.expiresAt) <= time) {
				this.deleteSession(session.tokenHash);
			}
		}

		for (const [key, reply] of this.#replies.entries()) {
			if (reply.expiresAt <= time) {
				this.#replies.delete(key);
			}
		}

		this.#counters.sweep(time);
		this.#users.sweep(time);
		this.#outcomes.sweep(now);
	}

	/**
	 * The user records of one client (or of all), as copies: the verified
	 * ones, then those never verified, each least recently used first. For
	 * tests and the demo.
	 *
	 * @example
	 * expect(store.users('ct_demo')).toHaveLength(1);
	 */
	users(clientToken?: string): UserRecord[] {
		return this.#users
			.records()
			.filter((record) => clientToken === undefined || record.clientToken === clientToken)
			.map((record) => structuredClone(record));
	}

	/**
	 * The sessions currently kept (token hashes only), oldest first, as copies.
	 *
	 * @example
	 * expect(store.sessions()).toHaveLength(0); // after logout
	 */
	sessions(): SessionRecord[] {
		return [...this.#sessions.values()].map((record) => ({...record}));
	}

	/**
	 * The remembered answers and running claims, as copies. A MemoryStore is
	 * `inProcess`, so `sealed` holds an answer's JSON text, session token included.
	 *
	 * @example
	 * expect(store.replies()).toHaveLength(1); // after a call and its retry
	 */
	replies(): StoredReply[] {
		return [...this.#replies.entries()].map(([key, {fingerprint, sealed, createdAt, expiresAt}]) => ({
			key,
			fingerprint,
			sealed,
			createdAt: new Date(createdAt).toISOString(),
			expiresAt: new Date(expiresAt).toISOString(),
		}));
	}
}

function visitorKey({clientToken, userId, anonymousId}: {clientToken: string; userId: string; anonymousId: string}): string {
	return compoundKey(clientToken, userId, anonymousId);
}

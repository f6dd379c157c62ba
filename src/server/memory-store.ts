import type {IdentityStore, SessionRecord, StoredReply, UserRecord} from './store';

/** Limits of a {@link MemoryStore}. */
export type MemoryStoreOptions = {
	/**
	 * Sessions kept; past it the oldest are forgotten (their pages then get
	 * 401 `session_invalid` and identify again).
	 * @default 100_000
	 */
	maxSessions?: number;
	/**
	 * Remembered answers kept for retries; past it the oldest are forgotten.
	 * @default 10_000
	 */
	maxReplies?: number;
};

/**
 * The default {@link IdentityStore}: everything in this process's memory,
 * gone on restart. Records are copied in and out, so nothing outside can
 * change what is stored. Sessions and remembered answers are bounded
 * (oldest dropped first); user records are not, as a database's would not be.
 *
 * @example
 * const store = new MemoryStore();
 * const handler = createIdentityHandler({clients, store});
 * // later, in a test:
 * store.users('ct_demo'); // [{userId: '42', applied: 1, …}]
 */
export class MemoryStore implements IdentityStore {
	readonly #users = new Map<string, UserRecord>();
	readonly #sessions = new Map<string, SessionRecord>();
	readonly #replies = new Map<string, StoredReply>();
	readonly #maxSessions: number;
	readonly #maxReplies: number;

	constructor({maxSessions = 100_000, maxReplies = 10_000}: MemoryStoreOptions = {}) {
		if (!(maxSessions >= 1) || !(maxReplies >= 1)) {
			throw new TypeError('MemoryStore limits must be at least 1');
		}

		this.#maxSessions = maxSessions;
		this.#maxReplies = maxReplies;
	}

	getUser(clientToken: string, userId: string): UserRecord | undefined {
		return copy(this.#users.get(userKey(clientToken, userId)));
	}

	putUser(record: UserRecord): void {
		this.#users.set(userKey(record.clientToken, record.userId), copy(record));
	}

	getSession(tokenHash: string): SessionRecord | undefined {
		return copy(this.#sessions.get(tokenHash));
	}

	putSession(record: SessionRecord): void {
		bounded(this.#sessions, record.tokenHash, copy(record), this.#maxSessions);
	}

	deleteSession(tokenHash: string): void {
		this.#sessions.delete(tokenHash);
	}

	getReply(key: string): StoredReply | undefined {
		return copy(this.#replies.get(key));
	}

	putReply(reply: StoredReply): void {
		bounded(this.#replies, reply.key, copy(reply), this.#maxReplies);
	}

	/**
	 * The user records of one client (or of all), oldest first. For tests
	 * and the demo.
	 *
	 * @example
	 * expect(store.users('ct_demo')).toHaveLength(1);
	 */
	users(clientToken?: string): UserRecord[] {
		return [...this.#users.values()]
			.filter((record) => clientToken === undefined || record.clientToken === clientToken)
			.map((record) => copy(record));
	}

	/**
	 * The sessions currently kept (token hashes only), oldest first.
	 *
	 * @example
	 * expect(store.sessions()).toHaveLength(0); // after logout
	 */
	sessions(): SessionRecord[] {
		return [...this.#sessions.values()].map((record) => copy(record));
	}

	/**
	 * The remembered answers (sealed), oldest first.
	 *
	 * @example
	 * expect(store.replies()).toHaveLength(1); // after a call and its retry
	 */
	replies(): StoredReply[] {
		return [...this.#replies.values()].map((reply) => copy(reply));
	}
}

function userKey(clientToken: string, userId: string): string {
	return JSON.stringify([clientToken, userId]);
}

// A Map iterates in insertion order, so its first key is the oldest entry.
function bounded<T>(map: Map<string, T>, key: string, value: T, max: number): void {
	map.delete(key);
	map.set(key, value);
	while (map.size > max) {
		map.delete(map.keys().next().value as string);
	}
}

function copy<T>(value: T): T {
	return value === undefined ? value : structuredClone(value);
}

import type {Verification} from './verify';

/** A value, or a promise of it: a store may answer synchronously (memory) or not (a database). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * One identified user of one client. Repeated identify calls update this
 * record; there is never more than one per (clientToken, userId).
 */
export type UserRecord = {
	clientToken: string;
	userId: string;
	/** Everything the page sent, shallow-merged: later calls overwrite a key, never remove one. */
	metadata: Record<string, unknown>;
	/** Anonymous ids this user was seen with, oldest first, at most {@link MAX_ANONYMOUS_IDS}. */
	anonymousIds: string[];
	/** Whether the latest applied call was verified, and what verification said. */
	verified: boolean;
	verification: Verification;
	/** ISO times. */
	createdAt: string;
	updatedAt: string;
	/** How many calls were applied to this record: a retried call counts once. */
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
 * A session handed to the page after a verified identify. Only the SHA-256
 * of its token is kept, so a leaked store does not leak usable tokens.
 */
export type SessionRecord = {
	/** Lowercase hex SHA-256 of the token's UTF-8 text. */
	tokenHash: string;
	clientToken: string;
	userId: string;
	anonymousId: string;
	/** ISO times. */
	createdAt: string;
	expiresAt: string;
};

/**
 * A remembered answer to a call, so that a retry (same client token,
 * anonymous id and message id) gets the same answer without the call being
 * applied twice. `key` is already a hash of those ids and `sealed` is
 * encrypted with a key the store never sees: the answer may carry a
 * session token.
 */
export type StoredReply = {
	key: string;
	sealed: string;
	/** ISO time, so a database can expire old replies. */
	createdAt: string;
};

/**
 * Where the reference API keeps users, sessions and remembered answers.
 * Every method may answer directly or with a promise, so a database fits
 * behind it. `MemoryStore` is the default.
 *
 * @example
 * const store: IdentityStore = {
 * 	getUser: (clientToken, userId) => db.users.findOne({clientToken, userId}),
 * 	putUser: (record) => db.users.upsert({clientToken: record.clientToken, userId: record.userId}, record),
 * 	getSession: (tokenHash) => db.sessions.findOne({tokenHash}),
 * 	putSession: (record) => db.sessions.insert(record),
 * 	deleteSession: (tokenHash) => db.sessions.delete({tokenHash}),
 * 	getReply: (key) => db.replies.findOne({key}),
 * 	putReply: (reply) => db.replies.insert(reply),
 * };
 */
export type IdentityStore = {
	getUser(clientToken: string, userId: string): MaybePromise<UserRecord | undefined>;
	/** Inserts or replaces the record of (record.clientToken, record.userId). */
	putUser(record: UserRecord): MaybePromise<void>;
	getSession(tokenHash: string): MaybePromise<SessionRecord | undefined>;
	putSession(record: SessionRecord): MaybePromise<void>;
	deleteSession(tokenHash: string): MaybePromise<void>;
	getReply(key: string): MaybePromise<StoredReply | undefined>;
	putReply(reply: StoredReply): MaybePromise<void>;
};

import {compoundKey} from './compound-key';
import {LruMap} from './lru-map';
import {mergeUserRecord} from './merge-user';
import type {MergeResult, UserChange, UserRecord} from './store';

/**
 * A {@link MemoryStore}'s user records, in two bounded LRUs: the verified
 * ones, and those never verified apart from them, so that a flood of the
 * latter (monitor mode: anyone with the client token can make one per user
 * id it invents) pushes out only each other, never a verified record. A
 * record moves to the verified ones at its first verified call; one never
 * verified is swept once past its retention, even if calls keep it in use.
 *
 * @example
 * const users = new UserRecords(10_000, 10_000, 72 * HOUR_MS);
 * users.merge(change); // as mergeUserRecord merges it, then kept
 * users.get('ct_demo', '42');
 */
export class UserRecords {
	/** Records with `verifiedAt`. */
	readonly #users: LruMap<UserRecord>;
	/** Records never verified, bounded apart, so that they never push out a verified one. */
	readonly #unverified: LruMap<UserRecord>;
	readonly #unverifiedRetentionMs: number;

	/** `maxUsers` verified records and `maxUnverifiedUsers` others, those swept `unverifiedRetentionMs` after they were created. */
	constructor(maxUsers: number, maxUnverifiedUsers: number, unverifiedRetentionMs: number) {
		this.#users = new LruMap(maxUsers);
		this.#unverified = new LruMap(maxUnverifiedUsers);
		this.#unverifiedRetentionMs = unverifiedRetentionMs;
	}

	/** The record of a user, now the most recently used of its kind. */
	get(clientToken: string, userId: string): UserRecord | undefined {
		const key = userKey(clientToken, userId);
		let users = this.#users;
		let record = users.get(key);
		if (record === undefined) {
			users = this.#unverified;
			record = users.get(key);
		}

		if (record !== undefined) {
			users.touch(key, record);
		}

		return record;
	}

	/** `change` merged into its user's record (see mergeUserRecord), the record kept when it changed. */
	merge(change: UserChange): MergeResult {
		const key = userKey(change.clientToken, change.userId);
		// A verified record (the hot path) is found, merged and touched as
		// before: one lookup, then the touch.
		const verified = this.#users.get(key);
		if (verified !== undefined) {
			const result = mergeUserRecord(verified, change);
			if (result.ok) {
				this.#users.touch(key, result.record);
			}

			return result;
		}

		const unverified = this.#unverified.get(key);
		const result = mergeUserRecord(unverified, change);
		if (!result.ok) {
			return result;
		}

		if (result.record.verifiedAt === null) {
			this.#unverified.touch(key, result.record);
		} else {
			// Its first verified call: it moves to the verified records.
			if (unverified !== undefined) {
				this.#unverified.delete(key);
			}

			this.#users.add(key, result.record);
		}

		return result;
	}

	/** Forgets the records never verified that were created past the retention before `time`. */
	sweep(time: number): void {
		// Records never verified, past the retention: anyone could have made
		// them, and nothing vouches for what they hold.
		const keepUnverifiedSince = time - this.#unverifiedRetentionMs;
		for (const [key, record] of this.#unverified.entries()) {
			if (Date.parse(record.createdAt) < keepUnverifiedSince) {
				this.#unverified.delete(key);
			}
		}
	}

	/** Every record, as kept (not copies): the verified ones, then those never verified, each least recently used first. */
	records(): UserRecord[] {
		return [...this.#users.values(), ...this.#unverified.values()];
	}
}

function userKey(clientToken: string, userId: string): string {
	return compoundKey(clientToken, userId);
}

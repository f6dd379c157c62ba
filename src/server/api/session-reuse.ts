import {compoundKey} from '../store/compound-key';
import {LruMap} from '../store/lru-map';
import type {SessionAnswer} from './session';
import {isPromise} from '../store/maybe-promise';
import type {IdentityStore, MaybePromise, SessionRecord} from '../store/store';

/** Visitors whose session token one handler keeps for reuse; past this, the least recently identified get a new session next time. @example 10_000 */
export const MAX_REUSED_SESSIONS = 10_000;

/** Whose session it is: a session is reused only for the same client, user, visitor and key. */
export type SessionOwner = {clientToken: string; userId: string; anonymousId: string; keyId: string};

/** A session handed out: its token, the token's hash (the store's key), and when it ends, as text and in ms. */
type Held = {token: string; tokenHash: string; expiresAt: string; end: number};

/**
 * The tokens of the sessions a handler opened, by client, user, visitor and
 * key, so that a verified identify from a visitor who already holds a live
 * session for that user gets the same session again instead of a new one
 * (the SDK identifies on every page load). Only for a store that is
 * `inProcess`: the store keeps token hashes only, so the tokens must be
 * kept beside it, and in this process nothing is exposed that the client
 * secrets beside it would not give away already.
 *
 * The store is asked every time: a session it no longer has (logout, a
 * full store), one that ends within half of `sessionTtlMs`, or one that
 * would end later than a new session would (a shorter-lived hash) is not
 * reused, and a new one is opened as without reuse. Whoever gets the
 * session could have opened a new one with the same proof.
 *
 * @example
 * const reused = await reuse.find(store, owner, now, latestEnd);
 * if (reused === undefined) reuse.remember(owner, session.answer, session.record.tokenHash); // after storing a new session
 */
export class SessionReuse {
	readonly #held = new LruMap<Held>(MAX_REUSED_SESSIONS);
	readonly #minimumMs: number;

	constructor(sessionTtlMs: number) {
		this.#minimumMs = sessionTtlMs / 2;
	}

	/** The live session of `owner` that may be handed out again, if any; `latestEnd` is when a new session would end (ms). */
	find(store: IdentityStore, owner: SessionOwner, now: Date, latestEnd: number): MaybePromise<SessionAnswer | undefined> {
		const key = keyOf(owner);
		const held = this.#held.get(key);
		if (held === undefined) {
			return undefined;
		}

		const finding = store.getSession(held.tokenHash);
		return isPromise(finding) ? finding.then((record) => this.#reusable(key, held, record, owner, now, latestEnd)) : this.#reusable(key, held, finding, owner, now, latestEnd);
	}

	// The held session if the store still has it as it was handed out (a
	// session never changes), with enough time left and no later end than a
	// new one would have; else it is forgotten.
	#reusable(key: string, held: Held, record: SessionRecord | undefined, owner: SessionOwner, now: Date, latestEnd: number): SessionAnswer | undefined {
		const {end} = held;
		if (record === undefined || record.keyId !== owner.keyId || record.expiresAt !== held.expiresAt || !(end - now.getTime() >= this.#minimumMs && end <= latestEnd)) {
			this.#held.delete(key);
			return undefined;
		}

		return {token: held.token, expiresAt: held.expiresAt};
	}

	/** Keeps a session just stored for `owner` (its answer and its token's hash), replacing any older one. */
	remember(owner: SessionOwner, {token, expiresAt}: SessionAnswer, tokenHash: string): void {
		this.#held.touch(keyOf(owner), {token, tokenHash, expiresAt, end: Date.parse(expiresAt)});
	}
}

function keyOf({clientToken, userId, anonymousId, keyId}: SessionOwner): string {
	return compoundKey(clientToken, userId, anonymousId, keyId);
}

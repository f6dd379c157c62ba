import {hash} from 'node:crypto';
import {randomBytesFromPool} from './random-pool';
import {type SessionAnswer, sessionTokenHash} from './session';
import type {SessionOwner} from './session-reuse';
import {derive} from './sealing';
import type {SessionRecord} from '../store/store';

// The token of a shared session: SHA-256 of a key only the proof gives and
// a random nonce the store keeps, base64url (43 characters, as a random
// token). One hash to make or find again, where AES-GCM cost a cipher
// object each way.
const tokenOf = (key: string, nonce: string) => hash('sha256', `signet session token\u0000${key}\u0000${nonce}`, 'base64url');

/**
 * Makes a new session answerable again from a store others can read (a
 * database shared by several instances): its token becomes one derived
 * from a key (from the proof that opened it, the call's hash or identity
 * token, and its owner) and a random nonce; `record` keeps the nonce as
 * `sealed`, an id of the key as `sealId`, and the new token's hash. A
 * verified identify with the same proof, on any instance, then finds the
 * visitor's live session (`IdentifyWrite.reuseFrom`) and derives its token
 * again, where a page reload would otherwise store a new session. The
 * store holds neither the proof nor the key: reading it gives no usable
 * token (deriving one needs the proof, which opens a session anyway).
 * Answers the key, for {@link openSharedSession}.
 *
 * @example
 * const key = sealSharedSession(opened, call.hash, owner);
 * await store.applyIdentify({outcome, change, session: opened.record, reuseFrom});
 */
export function sealSharedSession(opened: {answer: SessionAnswer; record: SessionRecord}, proof: string, owner: SessionOwner): string {
	const ids = JSON.stringify([owner.clientToken, owner.userId, owner.anonymousId, owner.keyId]);
	const key = derive('signet session seal key', ids, proof);
	const nonce = randomBytesFromPool(16).toString('base64url');
	const token = tokenOf(key, nonce);
	opened.answer.token = token;
	opened.record.tokenHash = sessionTokenHash(token);
	opened.record.sealId = derive('signet session seal id', ids, proof);
	opened.record.sealed = nonce;
	return key;
}

/**
 * The answer of a session the store found to reuse, its token derived
 * again with the key {@link sealSharedSession} answered; `undefined` if it
 * is not the session's (a corrupted store: the caller stores its new
 * session instead).
 *
 * @example
 * const answer = openSharedSession(applied.reused, key) ?? opened.answer;
 */
export function openSharedSession(reused: SessionRecord, key: string): SessionAnswer | undefined {
	const token = reused.sealed === undefined ? undefined : tokenOf(key, reused.sealed);
	return token === undefined || sessionTokenHash(token) !== reused.tokenHash ? undefined : {token, expiresAt: reused.expiresAt};
}

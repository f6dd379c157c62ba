import type {SessionAnswer} from './session';
import type {SessionOwner} from './session-reuse';
import {derive, openText, sealText} from './sealing';
import type {SessionRecord} from '../store/store';

/**
 * Makes a new session answerable again from a store others can read (a
 * database shared by several instances): its token sealed under a key
 * derived from the proof that opened it (the call's hash, or its identity
 * token) and its owner, and an id of that key, go into `record`. A
 * verified identify with the same proof, on any instance, then finds the
 * visitor's live session (`IdentifyWrite.reuseFrom`) and opens its token
 * with this key, where a page reload would otherwise store a new session.
 * The store holds neither the proof nor the key: reading it gives no
 * usable token (opening one needs the proof, which opens a session anyway).
 * Answers the key, for {@link openSharedSession}.
 *
 * @example
 * const key = sealSharedSession(opened, call.hash, owner);
 * await store.applyIdentify({outcome, change, session: opened.record, reuseFrom});
 */
export function sealSharedSession(opened: {answer: SessionAnswer; record: SessionRecord}, proof: string, owner: SessionOwner): Buffer {
	const ids = JSON.stringify([owner.clientToken, owner.userId, owner.anonymousId, owner.keyId]);
	const key = Buffer.from(derive('signet session seal key', ids, proof), 'hex');
	opened.record.sealId = derive('signet session seal id', ids, proof);
	opened.record.sealed = sealText(opened.answer.token, key);
	return key;
}

/**
 * The answer of a session the store found to reuse, its token opened with
 * the key {@link sealSharedSession} answered; `undefined` if it does not
 * open (a corrupted store: the caller stores its new session instead).
 *
 * @example
 * const answer = openSharedSession(applied.reused, key) ?? opened.answer;
 */
export function openSharedSession(reused: SessionRecord, key: Buffer): SessionAnswer | undefined {
	const token = reused.sealed === undefined ? undefined : openText(reused.sealed, key);
	return token === undefined ? undefined : {token, expiresAt: reused.expiresAt};
}

import {hash} from 'node:crypto';
import type {CallRequest} from './call-request';
import type {Client} from '../config/client';
import type {Settings} from '../config/settings';
import {randomBytesFromPool} from './random-pool';
import type {SessionRecord} from '../store/store';

/** What a verified call answers in `session`. */
export type SessionAnswer = {token: string; expiresAt: string};

// 32 random bytes, base64url: 43 characters.
const TOKEN = /^[\w-]{43}$/;

/**
 * The SHA-256 of a session token, hex: the only form of the token the
 * store ever holds.
 *
 * @example
 * sessionTokenHash(token) // '9f86d08…' (64 hex characters)
 */
export function sessionTokenHash(token: string): string {
	// The one-shot form: no Hash object per token.
	return hash('sha256', token, 'hex');
}

/**
 * A new session for a verified user: the token for the answer, and the
 * record (its hash) for the store, which the caller stores. It lives
 * `sessionTtlMs`, but never past the hash's own expiration plus the clock
 * skew: a session must not outlive the signature that opened it. It
 * records which key verified it (`keyId`), so removing that key ends it.
 *
 * @example
 * const {answer, record} = newSession(settings, {clientToken, userId, anonymousId, keyId}, now, validUntil);
 * await store.putSession(record); // answer: {token: 'Xk2…', expiresAt: '2026-11-22T00:00:00.000Z'}
 */
export function newSession(
	settings: Settings,
	{clientToken, userId, anonymousId, keyId}: {clientToken: string; userId: string; anonymousId: string; keyId: string},
	now: Date,
	validUntil?: number,
): {answer: SessionAnswer; record: SessionRecord} {
	const token = randomBytesFromPool(32).toString('base64url');
	const expiresAt = new Date(sessionEnd(settings, now, validUntil)).toISOString();
	const record = {tokenHash: sessionTokenHash(token), clientToken, userId, anonymousId, keyId, createdAt: now.toISOString(), expiresAt};
	return {answer: {token, expiresAt}, record};
}

/**
 * The live session named by the request's `Authorization: Bearer <token>`,
 * if it belongs to `client`; `undefined` when there is none, it is
 * another client's, it was revoked, it has expired, or the key that
 * verified it is no longer among the client's keys (such a session is
 * deleted on the way).
 *
 * @example
 * const found = await findSession(settings, request, client, now);
 * if (found === undefined) return errorReply(401, 'session_invalid', …);
 */
export async function findSession(
	settings: Settings,
	request: CallRequest,
	client: Client,
	now: Date,
): Promise<{token: string; record: SessionRecord} | undefined> {
	const match = /^Bearer +(\S+) *$/i.exec(request.header('authorization') ?? '');
	const token = match?.[1];
	if (token === undefined || !TOKEN.test(token)) {
		return undefined;
	}

	const record = await settings.store.getSession(sessionTokenHash(token));
	if (record === undefined || record.clientToken !== client.token) {
		return undefined;
	}

	if (now.getTime() >= Date.parse(record.expiresAt) || !client.keyIds.has(record.keyId)) {
		await settings.store.deleteSession(record.tokenHash);
		return undefined;
	}

	return {token, record};
}

/**
 * When a session opened now ends (ms since the epoch): `sessionTtlMs` from
 * now, but never past the proof's own end (`validUntil`, the hash's
 * expiration plus the skew).
 *
 * @example
 * sessionEnd(settings, now, Date.parse(expiration) + 60_000)
 */
export function sessionEnd(settings: Settings, now: Date, validUntil?: number): number {
	return Math.min(now.getTime() + settings.sessionTtlMs, validUntil ?? Number.POSITIVE_INFINITY);
}

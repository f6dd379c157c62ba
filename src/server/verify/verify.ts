import {timingSafeEqual} from 'node:crypto';
import {decodeHash} from '../../shared/hash';
import {expirationString, identityMessage, userIdProblem} from '../../shared/message';
import type {VerificationCode} from '../../shared/verification';
import {clockOptions} from './clock-options';
import {hmacSha256} from '../sign/hmac';
import {secretList} from './secrets';

/** What the page sent: the user id, and the hash and expiration when given. */
export type VerifyInput = {
	/** The user id as the page sent it. */
	userId: string | number;
	/** The hash the page sent, if any (a missing one is `hash_missing`). */
	hash?: string | undefined;
	/** The expiration the page sent with the hash, if any. */
	expiration?: string | undefined;
};

/** Options of {@link verifyIdentity}. */
export type VerifyOptions = {
	/**
	 * The current time, for expirations.
	 * @default new Date()
	 */
	now?: Date;
	/**
	 * How far past its expiration a hash is still accepted, for clocks that
	 * disagree. Exactly at the limit is still valid.
	 * @default 60
	 */
	clockSkewSeconds?: number;
};

export {DEFAULT_CLOCK_SKEW_SECONDS} from './clock-options';

/** The answer of {@link verifyIdentity}: which key matched, or why none did. */
export type VerifyResult = {ok: true; keyIndex: number} | {ok: false; code: VerificationCode};

/**
 * Checks a signed identity against every active key of a client (newest
 * last, for rotation), in constant time. `keyIndex` says which key matched,
 * so you can tell when the old key of a rotation is no longer used.
 *
 * Never throws on what the page sent, whatever its type: no hash is
 * `hash_missing`, anything that is not the right signature is
 * `hash_invalid`, and a right signature past its expiration (plus the clock
 * skew) is `hash_expired`. It does throw a `TypeError` for a misconfigured
 * `secrets` or options, which are the caller's mistake.
 *
 * @example
 * const result = verifyIdentity({userId: '42', hash}, ['sk_old', 'sk_new']);
 * if (result.ok) console.log('signed with key', result.keyIndex);
 * else console.log(result.code); // 'hash_missing' | 'hash_invalid' | 'hash_expired'
 */
export function verifyIdentity(input: VerifyInput, secrets: string | string[], options: VerifyOptions = {}): VerifyResult {
	const keys = secretList(secrets);
	const {now, clockSkewSeconds} = clockOptions(options);

	const fields = readFields(input);
	if (fields === undefined) {
		return {ok: false, code: 'hash_invalid'};
	}

	const {userId, hash, expiration} = fields;
	if (hash === undefined || hash === null || hash === '') {
		return {ok: false, code: 'hash_missing'};
	}

	const given = decodeHash(hash);
	if (given === undefined || userIdProblem(userId) !== undefined) {
		return {ok: false, code: 'hash_invalid'};
	}

	const absent = expiration === undefined || expiration === null;
	const expirationText = absent ? undefined : expirationString(expiration);
	if (!absent && expirationText === undefined) {
		return {ok: false, code: 'hash_invalid'};
	}

	const expiresAt = expirationText === undefined ? undefined : Date.parse(expirationText);
	return checkHash(keys, identityMessage(String(userId), expirationText), given, expiresAt, now.getTime(), clockSkewSeconds * 1000);
}

/**
 * The HMAC check itself, for a call whose fields are already known to be
 * well-formed: `given` is the decoded hash, `message` the signed text,
 * `expiresAt` the expiration in ms (if any), past which it is still
 * accepted for `skewMs`. Every key is tried even after a match, so the
 * time taken does not say which key (or whether an early one) matched. The
 * handler calls it with each client's keys as bytes, made once at start-up.
 *
 * @example
 * checkHash([Buffer.from('sk_live_new')], '42', decodeHash(hash)!, undefined, Date.now(), 60_000) // {ok: true, keyIndex: 0}
 */
export function checkHash(keys: ReadonlyArray<Uint8Array | string>, message: string, given: Uint8Array, expiresAt: number | undefined, now: number, skewMs: number): VerifyResult {
	let keyIndex = -1;
	for (let index = 0; index < keys.length; index++) {
		if (timingSafeEqual(hmacSha256(keys[index], message), given) && keyIndex === -1) {
			keyIndex = index;
		}
	}

	if (keyIndex === -1) {
		return {ok: false, code: 'hash_invalid'};
	}

	if (expiresAt !== undefined && now > expiresAt + skewMs) {
		return {ok: false, code: 'hash_expired'};
	}

	return {ok: true, keyIndex};
}

type Fields = {userId: unknown; hash: unknown; expiration: unknown};

// The input comes from the network: it may be any value, a proxy, or an
// object whose getters throw. Reading it once, here, keeps that out of the rest.
function readFields(input: unknown): Fields | undefined {
	if (input === null || typeof input !== 'object' || Array.isArray(input)) {
		return undefined;
	}

	try {
		const record = input as Record<string, unknown>;
		return {userId: record.userId, hash: record.hash, expiration: record.expiration};
	} catch {
		return undefined;
	}
}

import {decodeHash} from '../../shared/hash';
import {identityMessage} from '../../shared/message';
import type {VerificationCode} from '../../shared/verification';
import type {IdentifyCall} from './body';
import type {Client} from '../config/client';
import type {Settings} from '../config/settings';
import {type Hint, hintFor} from '../verify/hints';
import {checkHash, DEFAULT_CLOCK_SKEW_SECONDS, type VerifyResult} from '../verify/verify';
import {verifyIdentityToken} from '../verify/verify-token';
import type {MaybePromise} from '../store/store';

/**
 * What an identify call proved: which key (its fingerprint, as sessions
 * record it), until when (ms, the expiration plus the skew), and the
 * attributes a token signed; or the code enforcement refuses it with, and
 * for a hash the likely signing mistake.
 */
export type Proven =
	| {ok: true; keyId: string; validUntil?: number; attributes?: Record<string, unknown>}
	| {ok: false; code: VerificationCode; hint?: Hint};

const INVALID: VerifyResult = {ok: false, code: 'hash_invalid'};
const SKEW_MS = DEFAULT_CLOCK_SKEW_SECONDS * 1000;

/**
 * Checks what proves the identity of an identify call: the identity token
 * when one was sent (with the client token as its audience, and `sub` the
 * `userId` sent), else the hash and its expiration (at once: an HMAC
 * needs no promise).
 *
 * @example
 * const proven = await proveIdentity(settings, client, call, now);
 * if (!proven.ok) console.log(proven.code); // 'hash_missing' | … | 'token_invalid' | 'token_expired'
 */
export function proveIdentity(settings: Settings, client: Client, call: IdentifyCall, now: Date): MaybePromise<Proven> {
	return call.token === undefined ? proveHash(settings, client, call, now) : proveToken(client, call, call.token, now);
}

const TOKEN_INVALID: Proven = {ok: false, code: 'token_invalid'};

async function proveToken(client: Client, call: IdentifyCall, token: string, now: Date): Promise<Proven> {
	// A client with hash keys only has no key a token could match (a hash key never verifies one).
	if (client.tokenKeyIds.length === 0) {
		return TOKEN_INVALID;
	}

	const result = await verifyIdentityToken(token, client.tokenKeys, {now, audience: client.token});
	if (!result.ok) {
		return result;
	}

	// A token proves one user: sent beside another user id, it proves nothing.
	if (result.userId !== call.userId) {
		return TOKEN_INVALID;
	}

	const validUntil = result.expiresAt === undefined ? undefined : result.expiresAt.getTime() + SKEW_MS;
	return {ok: true, keyId: client.tokenKeyIds[result.keyIndex], validUntil, attributes: result.attributes};
}

// Synchronous: an HMAC needs no promise.
function proveHash(settings: Settings, client: Client, call: IdentifyCall, now: Date): Proven {
	const {userId, hash, expiration, expiresAt} = call;
	// A client with token keys only has no key a hash could match.
	if (client.secrets.length === 0) {
		return {ok: false, code: hash === undefined || hash === '' ? 'hash_missing' : 'hash_invalid'};
	}

	// The call was checked (checkCall): the user id is well-formed and the
	// expiration, when sent, is in its one signed form.
	if (hash === undefined || hash === '') {
		return {ok: false, code: 'hash_missing'};
	}

	const given = decodeHash(hash);
	const result = given === undefined ? INVALID : checkHash(client.secretKeys, identityMessage(userId, expiration), given, expiresAt, now.getTime(), SKEW_MS);
	if (!result.ok) {
		return {ok: false, code: result.code, hint: hintFor(result.code, {userId, hash, expiration}, client, settings.clients)};
	}

	return {ok: true, keyId: client.hashKeyIds[result.keyIndex], validUntil: expiresAt === undefined ? undefined : expiresAt + SKEW_MS};
}

import type {VerificationCode} from '../shared/verification';
import type {IdentifyCall} from './body';
import type {Client, Settings} from './config';
import {type Hint, hintFor} from './hints';
import {DEFAULT_CLOCK_SKEW_SECONDS, verifyIdentity} from './verify';
import {verifyIdentityToken} from './verify-token';

/**
 * What an identify call proved: which key (index over `secrets` then
 * `publicKeys`), until when (ms, the expiration plus the skew), and the
 * attributes a token signed; or the code enforcement refuses it with, and
 * for a hash the likely signing mistake.
 */
export type Proven =
	| {ok: true; keyIndex: number; validUntil?: number; attributes?: Record<string, unknown>}
	| {ok: false; code: VerificationCode; hint?: Hint};

/**
 * Checks what proves the identity of an identify call: the identity token
 * when one was sent (with the client token as its audience, and `sub` the
 * `userId` sent), else the hash and its expiration.
 *
 * @example
 * const proven = await proveIdentity(settings, client, call, now);
 * if (!proven.ok) console.log(proven.code); // 'hash_missing' | … | 'token_invalid' | 'token_expired'
 */
export async function proveIdentity(settings: Settings, client: Client, call: IdentifyCall, now: Date): Promise<Proven> {
	const {userId, hash, expiration, token} = call;
	const skewMs = DEFAULT_CLOCK_SKEW_SECONDS * 1000;
	if (token !== undefined) {
		const result = await verifyIdentityToken(token, client.tokenKeys, {now, audience: client.token});
		if (!result.ok) {
			return result;
		}

		// A token proves one user: sent beside another user id, it proves nothing.
		if (result.userId !== userId) {
			return {ok: false, code: 'token_invalid'};
		}

		const validUntil = result.expiresAt === undefined ? undefined : result.expiresAt.getTime() + skewMs;
		return {ok: true, keyIndex: result.keyIndex, validUntil, attributes: result.attributes};
	}

	// A client with public keys only has no key a hash could match.
	if (client.secrets.length === 0) {
		return {ok: false, code: hash === undefined || hash === '' ? 'hash_missing' : 'hash_invalid'};
	}

	const result = verifyIdentity({userId, hash, expiration}, client.secrets, {now});
	if (!result.ok) {
		return {ok: false, code: result.code, hint: hintFor(result.code, {userId, hash, expiration}, client, settings.clients)};
	}

	return {ok: true, keyIndex: result.keyIndex, validUntil: expiration === undefined ? undefined : Date.parse(expiration) + skewMs};
}

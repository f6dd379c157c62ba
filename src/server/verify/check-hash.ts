// "Is my hash right?" for a customer's developer: what `npx signet-js
// check-hash` answers, as a function. It verifies as the API does and, for
// a wrong hash, names the signing mistake the hint machinery recognises.
import {decodeHash} from '../../shared/hash';
import {expirationString, userIdProblem} from '../../shared/message';
import {diagnose, HINT_MESSAGES, type Hint} from './hints';
import {verifyIdentity} from './verify';

/** What {@link checkIdentityHash} checks: the user id, hash and expiration exactly as the page sends them. */
export type HashCheck = {userId: string; hash: string; expiration?: string | undefined};

/** Why a hash is not right: as the API would answer, or a field the API would refuse before any hash is checked. */
export type HashCheckCode = 'hash_missing' | 'hash_invalid' | 'hash_expired' | 'invalid_user_id' | 'invalid_expiration' | 'invalid_hash_format';

/** The answer of {@link checkIdentityHash}: right, or why not, with the mistake named when one is recognised. */
export type HashCheckResult = {ok: true; message: string} | {ok: false; code: HashCheckCode; hint?: Hint; message: string};

/**
 * Checks a hash against the client's key as the API would, and says why
 * it is wrong: the field the API would refuse, or the signing mistake
 * (letter case, whitespace, number format, key encoding, key and message
 * swapped, expiration format…) when one explains it. The message never
 * holds the secret or the right hash.
 *
 * @example
 * checkIdentityHash({userId: '42', hash}, process.env.SIGNET_SECRET)
 * // {ok: false, code: 'hash_invalid', hint: 'key_and_message_swapped', message: '…swap the two…'}
 */
export function checkIdentityHash({userId, hash, expiration}: HashCheck, secret: string, {now = new Date()}: {now?: Date} = {}): HashCheckResult {
	if (typeof secret !== 'string' || secret === '') {
		throw new TypeError("checkIdentityHash needs the client's private key, a non-empty string");
	}

	const idProblem = userIdProblem(userId);
	if (idProblem !== undefined) {
		return {ok: false, code: 'invalid_user_id', message: `the user id ${idProblem}: the API refuses it before checking any hash`};
	}

	if (expiration !== undefined && expirationString(expiration) === undefined) {
		return {
			ok: false,
			code: 'invalid_expiration',
			message: `the expiration ${JSON.stringify(expiration)} is not in the one signed form, YYYY-MM-DDTHH:mm:ss.sssZ (what toISOString() writes): sign and send that string`,
		};
	}

	if (typeof hash !== 'string' || hash.trim() === '') {
		return {ok: false, code: 'hash_missing', message: 'no hash given'};
	}

	if (decodeHash(hash) === undefined) {
		return {ok: false, code: 'invalid_hash_format', message: 'the hash is not 64 hex characters or 44 base64 ones: send the HMAC-SHA256 digest written as hex or base64'};
	}

	const result = verifyIdentity({userId, hash, expiration}, secret, {now});
	if (result.ok) {
		return {ok: true, message: `the hash is right for user id ${JSON.stringify(userId)}${expiration === undefined ? '' : ` until ${expiration}`}`};
	}

	if (result.code === 'hash_expired') {
		return {ok: false, code: 'hash_expired', message: `the hash is right but expired at ${expiration}: sign again with a later expiration`};
	}

	const hint = diagnose({userId, hash, expiration}, {secrets: [secret]});
	const wrong = 'the hash does not match this user id and key';
	return hint === undefined
		? {ok: false, code: 'hash_invalid', message: `${wrong}, and no usual mistake explains it: another key, another user id, or an altered hash`}
		: {ok: false, code: 'hash_invalid', hint, message: `${wrong}: ${HINT_MESSAGES[hint]}`};
}

// What proves an identity to the API: a hash with its optional expiration,
// or a signed identity token. Checking one, reading when it expires, and
// what goes on the wire are here, so the client only passes proofs along.
// The SDK reads a token's payload (sub, exp) and verifies nothing: the API
// does. Like the hash, a token is a credential: no message quotes it.
import { IdentityVerificationError } from './errors/identity-verification-error';
import { InvalidArgumentError } from './errors/invalid-argument-error';
import type { InvalidArgumentCode } from './types/error-codes';
import { own } from './own';
import { isHashFormat } from '../shared/hash';
import { expirationString } from '../shared/message';

/** A checked proof: `hash` (+ `expiration`), or `token` with `expiration` read from its `exp`. Built in one key order per kind, so equal proofs write equal JSON. */
export type Proof = {hash?: string; expiration?: string; token?: string};

/**
 * Throws the `InvalidArgumentError` of a refused argument.
 *
 * @example
 * refuse('invalid_user_id', 'userId must not be empty');
 */
export const refuse = (code: InvalidArgumentCode, message: string): never => {
	throw new InvalidArgumentError(code, message);
};

/**
 * Checks what the page gave for `userId` (`{hash, expiration}` or
 * `{token}`) and answers the proof to send; throws `InvalidArgumentError`
 * (`invalid_hash`, `invalid_expiration`, `invalid_token`). A token must be
 * three base64url parts whose JSON payload has `sub` equal to `userId`.
 *
 * @example
 * checkProof({hash: ` ${'ab'.repeat(32)}\n`}, '42') // {hash: 'abab…ab', expiration: undefined}
 * checkProof({token}, '42') // {expiration: '2026-11-21T12:00:00.000Z', token} when exp says so
 */
export function checkProof(given: unknown, userId: string): Proof {
	if (given != null && typeof given !== 'object') {
		refuse('invalid_hash', 'verification must be an object');
	}

	// Own properties only: a polluted Object.prototype must not supply one.
	const hash = own(given, 'hash');
	const expiration = own(given, 'expiration');
	const token = own(given, 'token');
	if (token != null) {
		let proof;
		try {
			// Forgiving base64 (atob) needs no padding; escape() turns the bytes
			// into %XX for decodeURIComponent to read as UTF-8. Anything that
			// is not three parts (exec() null), not JSON, or an exp that is no
			// date (toISOString throws) lands in the catch.
			const {sub, exp} = JSON.parse(decodeURIComponent(escape(atob(/^[\w-]+\.([\w-]+)\.[\w-]+$/.exec(token as string)![1].replace(/-/g, '+').replace(/_/g, '/')))));
			proof = sub === userId && !hash && !expiration && {expiration: exp && new Date(exp * 1000).toISOString(), token: token as string};
		} catch {}

		return proof || refuse('invalid_token', 'token is not a JWT for this userId');
	}

	// The message never quotes the value: it is a credential. It does name
	// two known shapes of a wrong hash: GitHub-style `sha256=` before the
	// hex, and base64 of the hex text (88 characters) instead of the digest's.
	const text = typeof hash == 'string' ? hash.trim() : '';
	return {
		hash:
			hash == null
				? undefined
				: isHashFormat(text)
					? text
					: refuse('invalid_hash', /^sha256=/i.test(text) ? 'drop the sha256= before the hash' : /^[\w+/]{86}==$/.test(text) ? 'hash is base64 of the hex: send the hex' : 'hash must be hex or base64 HMAC-SHA256'),
		expiration: expiration == null ? undefined : expirationString(expiration) ?? refuse('invalid_expiration', 'expiration must be a valid date'),
	};
}

/**
 * A call as the identify body carries it: with a token, not the expiration
 * read from it (the API reads `exp` itself and refuses both at once).
 *
 * @example
 * wire({userId: '42', token, expiration}) // {userId: '42', token, expiration: undefined}: JSON leaves it out
 */
export const wire = <T extends Proof>(call: T): T => ({...call, ...(call.token && {expiration: undefined})});

/**
 * Whether the proof's expiration (client clock) has passed: such a proof is not sent.
 *
 * @example
 * hasExpired({expiration: '2000-01-01T00:00:00.000Z'}) // true
 */
export const hasExpired = ({expiration}: Proof): boolean => expiration !== undefined && Date.parse(expiration) <= Date.now();

/**
 * The refusal for a proof that expired (client clock) and that
 * refreshIdentity did not renew: there is none, or it gave an expired one.
 *
 * @example
 * throw expiredError(call); // IdentityVerificationError hash_expired or token_expired
 */
export const expiredError = ({token}: Proof) => new IdentityVerificationError(token ? 'token_expired' : 'hash_expired', 'expired before sending');

import {decodeProtectedHeader, errors, jwtVerify, type JWTPayload} from 'jose';
import {userIdProblem} from '../../shared/message';
import {MAX_TOKEN_LENGTH} from '../../shared/limits';
import {metadataProblemOf} from '../../shared/metadata';
import {clockOptions} from './clock-options';
import {type TokenKey, type TokenKeys, tokenKeyring} from './token-keys';

/** Why an identity token was not accepted. */
export type TokenFailure = 'token_invalid' | 'token_expired';

/** Options of {@link verifyIdentityToken}. */
export type VerifyTokenOptions = {
	/** The current time, for `exp` and `nbf`. @default new Date() */
	now?: Date;
	/** How far past its `exp` a token is still accepted. @default 60 */
	clockSkewSeconds?: number;
	/**
	 * The client token this call is for: a token is accepted only when its
	 * `aud` claim names it (a string, or a list holding it). Required: keys
	 * can be shared between clients (staging and production), a token cannot.
	 */
	audience: string;
};

/**
 * The answer of {@link verifyIdentityToken}. `keyIndex` counts `tokenSecrets`
 * first, then `publicKeys`: with 2 token secrets, `keyIndex: 2` is
 * `publicKeys[0]`. `expiresAt` is the token's `exp`, when it has one.
 */
export type VerifyTokenResult =
	| {ok: true; userId: string; attributes: Record<string, unknown>; keyIndex: number; expiresAt?: Date}
	| {ok: false; code: TokenFailure};

// Three base64url parts, the last (the signature) not empty: this is the
// whole compact-JWS shape, so `alg: none` (an empty signature) and JSON
// serialisations stop here.
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

const INVALID = {ok: false, code: 'token_invalid'} as const;
const EXPIRED = {ok: false, code: 'token_expired'} as const;

/**
 * Checks a signed identity token (see docs/signing.md, "Tokens") with a client's keys: HS256
 * with `tokenSecrets`, ES256, EdDSA (Ed25519) and RS256 with `publicKeys`. The
 * algorithm is the key's, never the token's choice; a token with a `kid`
 * is checked only with the public keys of that `kid` (secrets have no
 * `kid`: every secret is tried, as for hashes). Then the claims (SPEC §3):
 * `sub` a valid user id, `aud` the `audience` (required), `iat` present
 * and not later than now plus the skew, `exp` (when present) a date
 * within range and not past the skew, `typ` (when present) `JWT`, and
 * `attributes` a JSON object within the metadata limits.
 *
 * Never throws on what the page sent, whatever its type or size: anything
 * wrong is `token_invalid`, a good token past its `exp` is
 * `token_expired`. It throws a `TypeError` for misconfigured keys or
 * options. Keys are imported once per `keys` object.
 *
 * @example
 * const keys = {tokenSecrets: [process.env.SIGNET_TOKEN_SECRET], publicKeys: [customerJwk]};
 * const result = await verifyIdentityToken(token, keys, {audience: 'ct_live_1'});
 * if (result.ok) console.log(result.userId, result.attributes.plan, 'key', result.keyIndex);
 * else console.log(result.code); // 'token_invalid' | 'token_expired'
 */
export async function verifyIdentityToken(token: unknown, keys: TokenKeys, options: VerifyTokenOptions): Promise<VerifyTokenResult> {
	const {now, clockSkewSeconds} = clockOptions(options);
	const audience = options?.audience;
	if (typeof audience !== 'string' || audience === '') {
		throw new TypeError('options.audience must be the client token the token is for (a non-empty string)');
	}

	const keyring = await tokenKeyring(keys);
	if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
		return INVALID;
	}

	let header;
	try {
		header = decodeProtectedHeader(token);
	} catch {
		return INVALID;
	}

	const {alg, kid, typ} = header;
	// RFC 7519 §5.1: "JWT", compared without case; another type (at+jwt, an
	// access token) is a token made for something else.
	if (typ !== undefined && (typeof typ !== 'string' || typ.toUpperCase() !== 'JWT')) {
		return INVALID;
	}

	const candidates = keyring.filter((key) => typeof alg === 'string' && key.algorithms.includes(alg) && kidMatches(key, kid));
	for (const key of candidates) {
		const checked = await checkWith(key, token, alg!, now, clockSkewSeconds);
		if (checked === undefined) {
			continue;
		}

		// An expired token is called expired only if it would otherwise be good.
		const result = claimsResult(checked.payload, key, audience, now.getTime() / 1000 + clockSkewSeconds);
		return checked.expired && result.ok ? EXPIRED : result;
	}

	return INVALID;
}

// A `kid` names one public key (rotation): an unknown one matches none.
// Secrets have no `kid`, so for HS256 it is only the signer's label.
function kidMatches(key: TokenKey, kid: unknown): boolean {
	return kid === undefined || key.thumbprint === undefined || key.kid === kid;
}

// The payload when the signature is this key's (and whether `exp` is
// past), undefined when the signature is not this key's.
async function checkWith(key: TokenKey, token: string, alg: string, now: Date, clockSkewSeconds: number): Promise<{payload: JWTPayload; expired: boolean} | undefined> {
	try {
		const {payload} = await jwtVerify(token, key.key, {algorithms: [alg], currentDate: now, clockTolerance: clockSkewSeconds});
		return {payload, expired: false};
	} catch (error) {
		if (error instanceof errors.JWTExpired) {
			return {payload: error.payload, expired: true};
		}

		// A signature that matched but a claim jose refuses (nbf in the
		// future, a non-numeric iat) is as invalid as a wrong signature;
		// trying the next key cannot make it valid, but costs nothing wrong.
		return undefined;
	}
}

// Seconds since the epoch that a Date can hold (ECMA-262: ±8.64e15 ms).
const MAX_DATE_SECONDS = 8.64e12;

function claimsResult(payload: JWTPayload, key: TokenKey, audience: string, latestIssue: number): VerifyTokenResult {
	const {sub, aud, exp, iat} = payload;
	const signed = (payload as Record<string, unknown>).attributes;
	const attributes = signed === undefined ? {} : signed;
	if (typeof sub !== 'string' || userIdProblem(sub) !== undefined || metadataProblemOf(attributes) !== undefined) {
		return INVALID;
	}

	// RFC 7519 lets `aud` be one string or a list of them; it must name this client.
	if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) {
		return INVALID;
	}

	// A token issued in the future was made on a wrong clock or to outlive its keys.
	if (!inDateRange(iat) || iat > latestIssue) {
		return INVALID;
	}

	if (exp !== undefined && !inDateRange(exp)) {
		return INVALID;
	}

	const result = {ok: true as const, userId: sub, attributes: attributes as Record<string, unknown>, keyIndex: key.index};
	return exp === undefined ? result : {...result, expiresAt: new Date(exp * 1000)};
}

function inDateRange(seconds: unknown): seconds is number {
	return typeof seconds === 'number' && Number.isFinite(seconds) && Math.abs(seconds) <= MAX_DATE_SECONDS;
}

import {expirationString, identityMessage, userIdProblem} from '../../shared/message';
import {hmacSha256} from './hmac';
import {SigningError} from './signing-error';

/** Options of {@link signIdentity}. */
export type SignOptions = {
	/**
	 * When the hash stops being valid. A `Date` is written with
	 * `toISOString()`; a string is signed verbatim, so hand the page exactly
	 * the string this function returns.
	 * @default undefined (the hash never expires)
	 */
	expiration?: Date | string;
	/**
	 * How the 32 bytes are written: lowercase hex (64 characters) or standard
	 * padded base64 (44 characters). The API accepts both.
	 * @default 'hex'
	 */
	encoding?: 'hex' | 'base64';
};

/** What to hand the page: the user id as signed, its hash, and the expiration string when there is one. */
export type SignedIdentity = {
	userId: string;
	hash: string;
	expiration?: string;
};

/**
 * Signs a user id with a client's private key (see docs/signing.md): HMAC-SHA256 of
 * `String(userId)`, or of `String(userId) + "\n" + expiration`, with the
 * key's UTF-8 bytes. Run it on your server and pass the result to the page;
 * the key itself never leaves the server.
 *
 * Throws a {@link SigningError} (a `TypeError`) for an id the API would
 * refuse (empty, over 256 characters, control characters, not a safe
 * integer) or one shaped like a JWS signing input (two base64url segments
 * joined by a dot, the first JSON: the hash of such an id is a token's
 * signature), an empty key, an invalid expiration or an unknown encoding.
 *
 * @example
 * const {userId, hash, expiration} = signIdentity(user.id, process.env.SIGNET_SECRET, {
 * 	expiration: new Date(Date.now() + 60 * 60 * 1000),
 * });
 * // In the page: identifyUser(userId, metadata, {hash, expiration})
 */
export function signIdentity(userId: string | number, secret: string, options: SignOptions = {}): SignedIdentity {
	const problem = userIdProblem(userId);
	if (problem !== undefined) {
		throw new SigningError('invalid_user_id', `userId ${problem}`);
	}

	if (looksLikeJwsSigningInput(String(userId))) {
		throw new SigningError(
			'invalid_user_id',
			'userId has the shape of a JWS signing input (header.payload): its hash would be the signature of an identity token, so it is not signed. If users choose their ids, refuse this shape when they register',
		);
	}

	if (typeof secret !== 'string' || secret === '') {
		throw new SigningError('invalid_secret', 'secret must be a non-empty string: the private key of the client');
	}

	if (options === null || typeof options !== 'object') {
		throw new SigningError('invalid_options', 'options must be an object such as {expiration, encoding}');
	}

	const {expiration, encoding = 'hex'} = options;
	if (encoding !== 'hex' && encoding !== 'base64') {
		throw new SigningError('invalid_encoding', "encoding must be 'hex' or 'base64'");
	}

	// null is what a database gives for "no expiration"; treat it like undefined.
	const expirationText = expiration === undefined || expiration === null ? undefined : expirationString(expiration);
	if (expiration !== undefined && expiration !== null && expirationText === undefined) {
		throw new SigningError('invalid_expiration', 'expiration must be a valid Date or a date string such as 2026-11-21T12:00:00.000Z');
	}

	const id = String(userId);
	const hash = hmacSha256(secret, identityMessage(id, expirationText)).toString(encoding);
	return expirationText === undefined ? {userId: id, hash} : {userId: id, hash, expiration: expirationText};
}

const TWO_SEGMENTS = /^([\w-]+)\.[\w-]*$/;

/**
 * Whether `text` is `header.payload` of a compact JWS: two base64url
 * segments joined by a dot, the first decoding to a JSON object. An
 * HMAC of it with a key that also verified HS256 tokens would be a valid
 * token; keys have one use each, and this refusal is the second wall.
 *
 * @example
 * looksLikeJwsSigningInput('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9') // true
 * looksLikeJwsSigningInput('ada.lovelace') // false: "ada" is no JSON object
 */
export function looksLikeJwsSigningInput(text: string): boolean {
	const header = TWO_SEGMENTS.exec(text)?.[1];
	if (header === undefined) {
		return false;
	}

	try {
		const value: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
		return value !== null && typeof value === 'object' && !Array.isArray(value);
	} catch {
		return false;
	}
}

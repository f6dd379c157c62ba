import {SignJWT} from 'jose';
import {expirationString, userIdProblem} from '../shared/message';
import {metadataProblemOf} from './body';
import {SigningError} from './signing-error';
import {MAX_TOKEN_LENGTH} from './verify-token';

/** Who the token is for: the user id and, optionally, the attributes to sign with it. */
export type TokenUser = {
	userId: string | number;
	/** Signed attributes (plan, role…): a JSON object with the same limits as metadata. Unsigned metadata cannot override them. */
	attributes?: Record<string, unknown>;
};

/** Options of {@link signIdentityToken}. */
export type SignTokenOptions = {
	/** When the token stops being valid (its `exp`, in whole seconds, rounded down). @default undefined (never) */
	expiration?: Date | string;
	/** A `kid` header: your label for the secret, for your own rotation bookkeeping. @default undefined */
	keyId?: string;
	/** The client token the token is for (`aud`): it is then refused by any other client. @default undefined */
	audience?: string;
};

/**
 * Signs an identity token (see the README): an HS256 compact JWS with `sub` (the
 * user id as a string), `iat`, and `exp`, `aud`, `attributes` when given.
 * Run it on your server and hand the token to the page:
 * `identifyUser(userId, metadata, {token})`. To keep the signing key to
 * yourself, sign ES256, EdDSA or RS256 with any JWT library and give the
 * API only the public key (`publicKeys`); the README shows how.
 *
 * Throws a {@link SigningError} for an id the API would refuse, an empty
 * secret, attributes that are not a plain JSON object within the metadata
 * limits, an invalid expiration, an empty `keyId` or `audience`, or a
 * token longer than the API accepts.
 *
 * @example
 * const token = await signIdentityToken({userId: user.id, attributes: {plan: user.plan}}, process.env.SIGNET_SECRET, {
 * 	expiration: new Date(Date.now() + 60 * 60 * 1000),
 * 	audience: 'ct_live_1',
 * });
 */
export async function signIdentityToken(user: TokenUser, secret: string, options: SignTokenOptions = {}): Promise<string> {
	if (user === null || typeof user !== 'object') {
		throw new SigningError('invalid_user_id', 'user must be {userId, attributes?}');
	}

	const {userId, attributes} = user;
	const problem = userIdProblem(userId);
	if (problem !== undefined) {
		throw new SigningError('invalid_user_id', `userId ${problem}`);
	}

	if (typeof secret !== 'string' || secret === '') {
		throw new SigningError('invalid_secret', 'secret must be a non-empty string: the private key of the client');
	}

	// A round trip through JSON is what the token will hold: a Date or an
	// undefined member would not survive it, so it is what gets checked.
	const signed = attributes === undefined ? undefined : jsonCopy(attributes);
	const attributesProblem = signed === undefined ? undefined : metadataProblemOf(signed);
	if (attributes !== undefined && (signed === undefined || attributesProblem !== undefined)) {
		throw new SigningError('invalid_attributes', `attributes ${attributesProblem ?? 'must be JSON-serialisable'}`);
	}

	if (options === null || typeof options !== 'object') {
		throw new SigningError('invalid_options', 'options must be an object such as {expiration, keyId, audience}');
	}

	const {expiration, keyId, audience} = options;
	const expirationText = expiration === undefined || expiration === null ? undefined : expirationString(expiration);
	if (expiration !== undefined && expiration !== null && expirationText === undefined) {
		throw new SigningError('invalid_expiration', 'expiration must be a valid Date or a date string such as 2026-11-21T12:00:00.000Z');
	}

	if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) {
		throw new SigningError('invalid_key_id', 'keyId must be a non-empty string when given');
	}

	if (audience !== undefined && (typeof audience !== 'string' || audience === '')) {
		throw new SigningError('invalid_audience', 'audience must be the client token (a non-empty string) when given');
	}

	const jwt = new SignJWT(signed === undefined ? {} : {attributes: signed})
		.setProtectedHeader(keyId === undefined ? {alg: 'HS256', typ: 'JWT'} : {alg: 'HS256', typ: 'JWT', kid: keyId})
		.setSubject(String(userId))
		.setIssuedAt();
	if (expirationText !== undefined) {
		jwt.setExpirationTime(Math.floor(Date.parse(expirationText) / 1000));
	}

	if (audience !== undefined) {
		jwt.setAudience(audience);
	}

	// Bytes made by the global Uint8Array, the one jose's instanceof checks
	// against: a test environment (jsdom) may swap it and TextEncoder.
	const token = await jwt.sign(Uint8Array.from(Buffer.from(secret, 'utf8')));
	if (token.length > MAX_TOKEN_LENGTH) {
		throw new SigningError('token_too_large', `the token would be ${token.length} characters; the API accepts ${MAX_TOKEN_LENGTH}: sign fewer attributes`);
	}

	return token;
}

function jsonCopy(value: unknown): unknown {
	try {
		const text = JSON.stringify(value);
		return text === undefined ? undefined : JSON.parse(text);
	} catch {
		return undefined;
	}
}

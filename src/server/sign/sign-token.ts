import {importJWK, SignJWT} from 'jose';
import {MAX_TOKEN_LENGTH} from '../../shared/limits';
import {expirationString, userIdProblem} from '../../shared/message';
import {metadataProblemOf} from '../../shared/metadata';
import {SigningError} from './signing-error';

/** Who the token is for: the user id and, optionally, the attributes to sign with it. */
export type TokenUser = {
	userId: string | number;
	/** Signed attributes (plan, role…): a JSON object with the same limits as metadata. Unsigned metadata cannot override them. */
	attributes?: Record<string, unknown>;
};

/** Options of {@link signIdentityToken}. */
export type SignTokenOptions = {
	/** The client token the token is for (`aud`): any other client refuses it. Required. */
	audience: string;
	/** When the token stops being valid (its `exp`, in whole seconds, rounded down). @default undefined (never) */
	expiration?: Date | string;
	/** A `kid` header, naming the key (the API picks the public key of that `kid`). @default a private JWK's own `kid`, else none */
	keyId?: string;
};

/** A private JWK (with `d`) that signs tokens: EC P-256 (ES256), OKP Ed25519 (EdDSA) or RSA (RS256). */
export type PrivateJwk = JsonWebKey & {kid?: string};

// The algorithm comes from the key, never from an option: one key, one algorithm.
function algorithmOf(jwk: Record<string, unknown>): string | undefined {
	const {kty, crv} = jwk;
	return kty === 'EC' && crv === 'P-256' ? 'ES256' : kty === 'OKP' && crv === 'Ed25519' ? 'EdDSA' : kty === 'RSA' ? 'RS256' : undefined;
}

/**
 * Signs an identity token (see docs/signing.md, "Tokens"): a compact JWS with `sub` (the
 * user id as a string), `aud` (the client token), `iat`, and `exp` and
 * `attributes` when given. The key is a token secret (HS256: one of the
 * client's `tokenSecrets`, never a hash key) or a private JWK, whose type
 * picks the algorithm (ES256, EdDSA, RS256): the API then holds only the
 * public key (`publicKeys`). Run it on your server and hand the token to
 * the page: `identifyUser(userId, metadata, {token})`.
 *
 * Throws a {@link SigningError} for an id the API would refuse, an empty
 * secret or a JWK that is no private key of those types, attributes that
 * are not a plain JSON object within the metadata limits, an invalid
 * expiration, a missing `audience`, an empty `keyId`, or a token longer
 * than the API accepts.
 *
 * @example
 * const token = await signIdentityToken({userId: user.id, attributes: {plan: user.plan}}, process.env.SIGNET_TOKEN_SECRET, {
 * 	audience: 'ct_live_1',
 * 	expiration: new Date(Date.now() + 60 * 60 * 1000),
 * });
 */
export async function signIdentityToken(user: TokenUser, key: string | PrivateJwk, options: SignTokenOptions): Promise<string> {
	if (user === null || typeof user !== 'object') {
		throw new SigningError('invalid_user_id', 'user must be {userId, attributes?}');
	}

	const {userId, attributes} = user;
	const problem = userIdProblem(userId);
	if (problem !== undefined) {
		throw new SigningError('invalid_user_id', `userId ${problem}`);
	}

	const signer = signerOf(key);

	// A round trip through JSON is what the token will hold: a Date or an
	// undefined member would not survive it, so it is what gets checked.
	const signed = attributes === undefined ? undefined : jsonCopy(attributes);
	const attributesProblem = signed === undefined ? undefined : metadataProblemOf(signed);
	if (attributes !== undefined && (signed === undefined || attributesProblem !== undefined)) {
		throw new SigningError('invalid_attributes', `attributes ${attributesProblem ?? 'must be JSON-serialisable'}`);
	}

	if (options === null || typeof options !== 'object') {
		throw new SigningError('invalid_audience', 'options.audience is required: the client token the token is for, as in {audience: "ct_live_1"}');
	}

	const {expiration, keyId = signer.kid, audience} = options;
	if (typeof audience !== 'string' || audience === '') {
		throw new SigningError('invalid_audience', 'options.audience is required: the client token the token is for (a token for one client is no token for another)');
	}

	const expirationText = expiration === undefined || expiration === null ? undefined : expirationString(expiration);
	if (expiration !== undefined && expiration !== null && expirationText === undefined) {
		throw new SigningError('invalid_expiration', 'expiration must be a valid Date or a date string such as 2026-11-21T12:00:00.000Z');
	}

	if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) {
		throw new SigningError('invalid_key_id', 'keyId must be a non-empty string when given');
	}

	const {alg} = signer;
	const jwt = new SignJWT(signed === undefined ? {} : {attributes: signed})
		.setProtectedHeader(keyId === undefined ? {alg, typ: 'JWT'} : {alg, typ: 'JWT', kid: keyId})
		.setSubject(String(userId))
		.setAudience(audience)
		.setIssuedAt();
	if (expirationText !== undefined) {
		jwt.setExpirationTime(Math.floor(Date.parse(expirationText) / 1000));
	}

	const token = await jwt.sign(await signer.key());
	if (token.length > MAX_TOKEN_LENGTH) {
		throw new SigningError('token_too_large', `the token would be ${token.length} characters; the API accepts ${MAX_TOKEN_LENGTH}: sign fewer attributes`);
	}

	return token;
}

type Signer = {alg: string; kid?: string; key: () => Promise<CryptoKey | Uint8Array>};

// What signs with `key`: checked here, imported only once the rest of the call is known good.
function signerOf(key: unknown): Signer {
	if (typeof key === 'string' && key !== '') {
		// Bytes made by the global Uint8Array, the one jose's instanceof checks
		// against: a test environment (jsdom) may swap it and TextEncoder.
		return {alg: 'HS256', key: async () => Uint8Array.from(Buffer.from(key, 'utf8'))};
	}

	const jwk = key !== null && typeof key === 'object' && !Array.isArray(key) ? (key as Record<string, unknown>) : undefined;
	const alg = jwk === undefined ? undefined : algorithmOf(jwk);
	if (jwk === undefined || alg === undefined || typeof jwk.d !== 'string') {
		throw new SigningError(
			'invalid_secret',
			'key must be a token secret (a non-empty string, one of the client\'s tokenSecrets) or a private JWK (EC P-256, OKP Ed25519 or RSA, with its d)',
		);
	}

	const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : undefined;
	return {
		alg,
		kid,
		key: async () => {
			try {
				return (await importJWK({...jwk, alg, ext: false}, alg)) as CryptoKey;
			} catch (error) {
				throw new SigningError('invalid_secret', `the private JWK could not be imported: ${(error as Error)?.message ?? String(error)}`);
			}
		},
	};
}

function jsonCopy(value: unknown): unknown {
	try {
		const text = JSON.stringify(value);
		return text === undefined ? undefined : JSON.parse(text);
	} catch {
		return undefined;
	}
}

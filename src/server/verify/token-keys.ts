import {calculateJwkThumbprint, importJWK} from 'jose';

/** A public JSON Web Key (RFC 7517), with the `kid` that rotation uses (the DOM's `JsonWebKey` lacks it). */
export type PublicJwk = JsonWebKey & {kid?: string};

/** The keys a client verifies identity tokens with: HS256 `tokenSecrets`, and public JWKs for ES256, EdDSA and RS256. */
export type TokenKeys = {
	/** Shared secrets (HS256) for tokens only: never a key that signs hashes (see docs/security.md, "A key has one use"). */
	tokenSecrets?: string[];
	/** Public keys as JWKs (EC P-256, OKP Ed25519 or RSA), with an optional `kid`. Never a private key. */
	publicKeys?: PublicJwk[];
};

/** One verification key, imported once, with the algorithms its type allows and nothing else. */
export type TokenKey = {
	/** Index over `tokenSecrets` then `publicKeys`: what `keyIndex` answers. */
	index: number;
	/** The only `alg` values a token may name to be checked with this key: pinned by the key's type. */
	algorithms: readonly string[];
	/** The JWK's `kid`; secrets have none. */
	kid?: string;
	key: CryptoKey;
	/** RFC 7638 thumbprint of a public key (not secret); undefined for secrets. */
	thumbprint?: string;
};

// The members that identify a public key (RFC 7638), per key type.
const IDENTIFYING: Record<string, string[]> = {EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'], RSA: ['e', 'kty', 'n']};

/**
 * A public key's identifying members as canonical JSON (RFC 7638's
 * thumbprint input), synchronously: what its fingerprint is made from.
 *
 * @example
 * publicKeyText({kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'k1'}) // '{"crv":"Ed25519","kty":"OKP","x":"abc"}'
 */
export function publicKeyText(jwk: PublicJwk): string {
	const record = jwk as Record<string, unknown>;
	return JSON.stringify(Object.fromEntries((IDENTIFYING[record.kty as string] ?? []).map((member) => [member, record[member]])));
}

// A JWK member that only a private (or symmetric) key has: such a key must
// never sit in a verifier's configuration, where it could sign tokens.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

// Base64url characters of a 2048-bit modulus.
const RSA_2048_MODULUS_LENGTH = 342;

// Imports are slow (RSA especially) and a client's keys do not change, so
// each keys object (a client of the handler) is read and imported once.
const keyrings = new WeakMap<object, Promise<TokenKey[]>>();

/**
 * The imported keys of a client, cached per `keys` object: changing that
 * object later has no effect, pass a new one instead. Throws a `TypeError`
 * (before any import) for a key that cannot be used: an empty secret, a JWK
 * holding private parts, an unsupported key type, or an `alg` on the JWK
 * that its type does not allow.
 *
 * @example
 * const keys = {tokenSecrets: ['tk_1'], publicKeys: [{kty: 'OKP', crv: 'Ed25519', x: '…', kid: '2026-11'}]};
 * (await tokenKeyring(keys)).map((key) => key.algorithms); // [['HS256'], ['EdDSA', 'Ed25519']]
 */
export function tokenKeyring(keys: TokenKeys): Promise<TokenKey[]> {
	if (keys === null || typeof keys !== 'object') {
		throw new TypeError('keys must be {tokenSecrets, publicKeys}');
	}

	let keyring = keyrings.get(keys);
	if (keyring === undefined) {
		keyring = importAll(keys);
		keyrings.set(keys, keyring);
	}

	return keyring;
}

function importAll(keys: TokenKeys): Promise<TokenKey[]> {
	if ('secrets' in keys) {
		// The name tokens were verified by before keys had one use each: hash
		// keys must never verify a token, so it is refused rather than read.
		throw new TypeError('keys.secrets is not read: hash keys never verify tokens. Pass the HS256 token keys as tokenSecrets');
	}

	const {tokenSecrets: secrets = [], publicKeys = []} = keys;
	if (!Array.isArray(secrets) || !Array.isArray(publicKeys)) {
		throw new TypeError('keys.tokenSecrets and keys.publicKeys must be lists when given');
	}

	if (secrets.length + publicKeys.length === 0) {
		throw new TypeError('keys must hold at least one token secret or public key');
	}

	secrets.forEach((secret, index) => {
		if (typeof secret !== 'string' || secret === '') {
			throw new TypeError(`tokenSecrets[${index}] must be a non-empty string (the token key)`);
		}
	});
	const algorithms = publicKeys.map((jwk, index) => algorithmsOf(jwk, `publicKeys[${index}]`));
	const fromSecrets = secrets.map(async (secret, index): Promise<TokenKey> => {
		const key = await crypto.subtle.importKey('raw', Buffer.from(secret, 'utf8'), {name: 'HMAC', hash: 'SHA-256'}, false, ['verify']);
		return {index, algorithms: ['HS256'], key};
	});
	const fromPublic = publicKeys.map(async (jwk, index): Promise<TokenKey> => {
		const [alg] = algorithms[index];
		const key = (await importJWK({...jwk, alg, ext: false}, alg)) as CryptoKey;
		const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
		return {index: secrets.length + index, algorithms: algorithms[index], kid, key, thumbprint: await calculateJwkThumbprint(jwk as never)};
	});
	const keyring = Promise.all([...fromSecrets, ...fromPublic]).catch((error: unknown) => {
		throw new TypeError(`a public key could not be imported: ${(error as Error)?.message ?? String(error)}`);
	});
	// A JWK that passed the checks above but does not import (a point off
	// the curve) fails every verification with that TypeError; marked
	// handled so that it is never an unhandled rejection meanwhile.
	keyring.catch(() => {});
	return keyring;
}

// The algorithm comes from the key, never from the token: a token that names
// HS256 cannot be checked with a public key as its "secret", and `none`
// matches no key at all.
function algorithmsOf(jwk: unknown, name: string): readonly string[] {
	if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) {
		throw new TypeError(`${name} must be a public JWK such as {kty: 'EC', crv: 'P-256', x, y}`);
	}

	const record = jwk as Record<string, unknown>;
	if (PRIVATE_MEMBERS.some((member) => member in record)) {
		throw new TypeError(`${name} holds a private key: give the API the public key only (a JWK without d), and keep the private one on your server`);
	}

	const {kty, crv, alg, kid, use} = record;
	const allowed = kty === 'EC' && crv === 'P-256' ? ['ES256'] : kty === 'OKP' && crv === 'Ed25519' ? ['EdDSA', 'Ed25519'] : kty === 'RSA' ? ['RS256'] : undefined;
	if (allowed === undefined) {
		throw new TypeError(`${name} must be an EC P-256, OKP Ed25519 or RSA public key (ES256, EdDSA, RS256)`);
	}

	// jose refuses RSA keys under 2048 bits when verifying; refusing them here
	// makes that a start-up error rather than every token quietly invalid.
	if (kty === 'RSA' && !(typeof record.n === 'string' && record.n.length >= RSA_2048_MODULUS_LENGTH)) {
		throw new TypeError(`${name} must be an RSA key of 2048 bits or more`);
	}

	if (alg !== undefined && !allowed.includes(alg as string)) {
		throw new TypeError(`${name} says alg ${JSON.stringify(alg)}, but its key type verifies ${allowed.join(' or ')} only`);
	}

	if (kid !== undefined && (typeof kid !== 'string' || kid === '')) {
		throw new TypeError(`${name}.kid must be a non-empty string when given`);
	}

	if (use !== undefined && use !== 'sig') {
		throw new TypeError(`${name}.use must be "sig" when given`);
	}

	return allowed;
}

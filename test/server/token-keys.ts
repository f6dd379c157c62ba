// Key pairs for the token suites, made once per file with jose: the
// private half signs like a customer's server would, the public JWK is what
// the API is configured with.
import {exportJWK, exportPKCS8, generateKeyPair, SignJWT, type JWTPayload} from 'jose';
import type {PublicJwk} from '../../src/server/index';

export type Pair = {alg: string; privateKey: CryptoKey; publicJwk: PublicJwk; pem: string};

/**
 * A fresh key pair for one algorithm, its public half as a JWK (with `kid` when given).
 *
 * @example
 * const es = await keyPair('ES256', 'es-2026');
 */
export async function keyPair(alg: 'ES256' | 'EdDSA' | 'RS256', kid?: string): Promise<Pair> {
	const {privateKey, publicKey} = await generateKeyPair(alg, {extractable: true, ...(alg === 'EdDSA' ? {crv: 'Ed25519'} : {})});
	const publicJwk: PublicJwk = await exportJWK(publicKey);
	if (kid !== undefined) {
		publicJwk.kid = kid;
	}

	return {alg, privateKey, publicJwk, pem: await exportPKCS8(privateKey)};
}

/**
 * A token signed with jose, as a customer's own code would make it.
 *
 * @example
 * await joseToken(es, {sub: '42'}, {kid: 'es-2026'});
 */
export async function joseToken(pair: Pair | Uint8Array, claims: JWTPayload, header: {alg?: string; kid?: string} = {}): Promise<string> {
	const key = pair instanceof Uint8Array ? pair : pair.privateKey;
	const alg = header.alg ?? (pair instanceof Uint8Array ? 'HS256' : pair.alg);
	return new SignJWT(claims).setProtectedHeader({...header, alg}).sign(key);
}

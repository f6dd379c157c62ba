// Key pairs for the token suites, made once per file with jose: the
// private half signs like a customer's server would, the public JWK is what
// the API is configured with.
import {spawnSync} from 'node:child_process';
import {exportJWK, exportPKCS8, generateKeyPair, SignJWT, type JWTPayload} from 'jose';
import type {PublicJwk} from '../../../src/server/index';

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
 * A token signed with jose, as a customer's own code would make it: `iat` now unless the claims set it.
 *
 * @example
 * await joseToken(es, {sub: '42'}, {kid: 'es-2026'});
 */
export async function joseToken(pair: Pair | Uint8Array, claims: JWTPayload, header: {alg?: string; kid?: string; typ?: string} = {}): Promise<string> {
	const key = pair instanceof Uint8Array ? pair : pair.privateKey;
	const alg = header.alg ?? (pair instanceof Uint8Array ? 'HS256' : pair.alg);
	// Issued now unless the test says otherwise (`iat: undefined` leaves it out), as a customer's code would.
	const issued = 'iat' in claims ? claims : {iat: Math.floor(Date.now() / 1000), ...claims};
	return new SignJWT(issued).setProtectedHeader({...header, alg}).sign(key);
}

// Debian's python3-jwt is installed for /usr/bin/python3; the python3 on a
// developer's PATH may be another one without it. CI installs python3-jwt.
const PYTHON = '/usr/bin/python3';

/** Whether PyJWT can run here; the suites that need it skip (saying why) when not. */
export const hasPyJwt = spawnSync(PYTHON, ['-c', 'import jwt, cryptography'], {encoding: 'utf8'}).status === 0;
if (!hasPyJwt) {
	console.warn(`PyJWT tests skipped: ${PYTHON} cannot import jwt (apt-get install python3-jwt)`);
}

// jwt.encode as examples/backends/python/signet_token.py calls it, with the
// claims, the key and the algorithm; a kid goes in the headers.
const PYJWT = `
import sys, json, jwt
out = []
for case in json.load(sys.stdin):
    headers = {"kid": case["kid"]} if case.get("kid") else None
    out.append(jwt.encode(case["claims"], case["key"], algorithm=case["alg"], headers=headers))
print(json.dumps(out))
`;

/**
 * Tokens signed by PyJWT, one per case: `key` is the HS256 secret or the PEM private key.
 *
 * @example
 * const [token] = pyjwt([{alg: 'ES256', key: es.pem, kid: 'es-1', claims: {sub: '42'}}]);
 */
export function pyjwt(cases: Array<{alg: string; key: string; claims: Record<string, unknown>; kid?: string}>): string[] {
	const run = spawnSync(PYTHON, ['-c', PYJWT], {input: JSON.stringify(cases), encoding: 'utf8'});
	if (run.status !== 0) {
		throw new Error(`PyJWT failed: ${run.stderr}`);
	}

	return JSON.parse(run.stdout) as string[];
}

import {decodeJwt, decodeProtectedHeader, exportJWK} from 'jose';
import {beforeAll, describe, expect, it} from 'vitest';
import {MAX_TOKEN_LENGTH, signIdentityToken, SigningError, verifyIdentityToken} from '../../../src/server/index';
import {hasPyJwt, keyPair, pyjwt, type Pair} from '../support/token-keys';

const SECRET = 'tk_test_5fJ9q2LmX7_token_secret_9q';
const AUD = 'ct_demo';

let es: Pair;
let ed: Pair;
let rs: Pair;
beforeAll(async () => {
	[es, ed, rs] = await Promise.all([keyPair('ES256', 'es-2026'), keyPair('EdDSA', 'ed-1'), keyPair('RS256')]);
});

describe('signIdentityToken', () => {
	it('writes an HS256 JWT with sub as a string, iat, and exp, aud, attributes and kid when given', async () => {
		const before = Math.floor(Date.now() / 1000);
		const token = await signIdentityToken({userId: 42, attributes: {plan: 'pro'}}, SECRET, {
			expiration: '2030-01-01T00:00:00.999Z',
			keyId: 'k1',
			audience: 'ct_demo',
		});
		expect(decodeProtectedHeader(token)).toEqual({alg: 'HS256', typ: 'JWT', kid: 'k1'});
		const claims = decodeJwt(token);
		expect(claims).toMatchObject({sub: '42', aud: 'ct_demo', attributes: {plan: 'pro'}, exp: Date.parse('2030-01-01T00:00:00Z') / 1000});
		expect(claims.iat).toBeGreaterThanOrEqual(before);
	});

	it('writes no exp, kid or attributes when none are given', async () => {
		const token = await signIdentityToken({userId: 'ana'}, SECRET, {audience: AUD});
		expect(Object.keys(decodeJwt(token)).sort()).toEqual(['aud', 'iat', 'sub']);
		expect(decodeProtectedHeader(token)).toEqual({alg: 'HS256', typ: 'JWT'});
	});

	it('signs with a private JWK by the algorithm of its type, with its kid, and the API verifies it with the public half', async () => {
		for (const [pair, alg] of [[es, 'ES256'], [ed, 'EdDSA'], [rs, 'RS256']] as const) {
			const privateJwk = {...(await exportJWK(pair.privateKey)), ...(pair.publicJwk.kid === undefined ? {} : {kid: pair.publicJwk.kid})};
			const token = await signIdentityToken({userId: 'ana', attributes: {plan: 'pro'}}, privateJwk, {audience: AUD});
			expect(decodeProtectedHeader(token)).toEqual({alg, typ: 'JWT', ...(pair.publicJwk.kid === undefined ? {} : {kid: pair.publicJwk.kid})});
			expect(await verifyIdentityToken(token, {publicKeys: [es.publicJwk, ed.publicJwk, rs.publicJwk]}, {audience: AUD})).toMatchObject({ok: true, userId: 'ana', attributes: {plan: 'pro'}});
		}
	});

	it('refuses a public JWK or a key of another type as the signing key, without naming its parts', async () => {
		for (const key of [es.publicJwk, {kty: 'oct', k: 'c2VjcmV0'}, {kty: 'EC', crv: 'P-384', x: 'a', y: 'b', d: 'c2VjcmV0'}, 42, null]) {
			const error = await signIdentityToken({userId: 'ana'}, key as never, {audience: AUD}).catch((caught: unknown) => caught);
			expect(error).toMatchObject({name: 'SigningError', code: 'invalid_secret'});
			expect(String(error)).not.toContain('c2VjcmV0');
		}
	});

	it('signs what the API accepts, and a Date expiration the same as its ISO string', async () => {
		const expiration = new Date('2030-01-01T00:00:00.000Z');
		const token = await signIdentityToken({userId: 'ana'}, SECRET, {audience: AUD, expiration});
		expect(decodeJwt(token).exp).toBe(decodeJwt(await signIdentityToken({userId: 'ana'}, SECRET, {audience: AUD, expiration: expiration.toISOString()})).exp);
		expect(await verifyIdentityToken(token, {tokenSecrets: [SECRET]}, {audience: AUD})).toMatchObject({ok: true, userId: 'ana', expiresAt: expiration});
	});

	it('refuses each argument the API would refuse, with a SigningError that names it', async () => {
		const cases: Array<[() => Promise<string>, string]> = [
			[() => signIdentityToken({userId: ''}, SECRET, {audience: AUD}), 'invalid_user_id'],
			[() => signIdentityToken({userId: 'a\nb'}, SECRET, {audience: AUD}), 'invalid_user_id'],
			[() => signIdentityToken(null as never, SECRET, {audience: AUD}), 'invalid_user_id'],
			[() => signIdentityToken({userId: 'ana'}, '', {audience: AUD}), 'invalid_secret'],
			[() => signIdentityToken({userId: 'ana', attributes: [] as never}, SECRET, {audience: AUD}), 'invalid_attributes'],
			[() => signIdentityToken({userId: 'ana', attributes: JSON.parse('{"__proto__":{"admin":true}}')}, SECRET, {audience: AUD}), 'invalid_attributes'],
			[() => signIdentityToken({userId: 'ana', attributes: {n: 1n}}, SECRET, {audience: AUD}), 'invalid_attributes'],
			[() => signIdentityToken({userId: 'ana'}, SECRET, {audience: AUD, expiration: '2030-01-01'}), 'invalid_expiration'],
			[() => signIdentityToken({userId: 'ana'}, SECRET, {audience: AUD, keyId: ''}), 'invalid_key_id'],
			[() => signIdentityToken({userId: 'ana'}, SECRET, {audience: 7 as never}), 'invalid_audience'],
			[() => signIdentityToken({userId: 'ana'}, SECRET, {} as never), 'invalid_audience'],
			[() => signIdentityToken({userId: 'ana'}, SECRET, undefined as never), 'invalid_audience'],
			[() => signIdentityToken({userId: 'ana'}, SECRET, null as never), 'invalid_audience'],
			[() => signIdentityToken({userId: 'ana', attributes: {note: 'x'.repeat(MAX_TOKEN_LENGTH)}}, SECRET, {audience: AUD}), 'token_too_large'],
		];
		for (const [sign, code] of cases) {
			const error = await sign().catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(SigningError);
			expect((error as SigningError).code).toBe(code);
			expect((error as Error).message).not.toContain(SECRET);
		}
	});
});

describe.skipIf(!hasPyJwt)('tokens made by PyJWT', () => {
	it('accepts an HS256 token PyJWT signs with the client secret, attributes and expiry included', async () => {
		const exp = Math.floor(Date.now() / 1000) + 600;
		const [token] = pyjwt([{alg: 'HS256', key: SECRET, claims: {sub: 'José', aud: AUD, iat: exp - 600, exp, attributes: {plan: 'pro'}}}]);
		expect(await verifyIdentityToken(token, {tokenSecrets: ['tk_old', SECRET]}, {audience: AUD})).toEqual({
			ok: true,
			userId: 'José',
			attributes: {plan: 'pro'},
			keyIndex: 1,
			expiresAt: new Date(exp * 1000),
		});
	});

	it('accepts an ES256 token PyJWT signs with a private key the API never sees, by its kid', async () => {
		const [token, wrongKid] = pyjwt([
			{alg: 'ES256', key: es.pem, kid: 'es-2026', claims: {sub: '42', aud: AUD, iat: Math.floor(Date.now() / 1000)}},
			{alg: 'ES256', key: es.pem, kid: 'es-2025', claims: {sub: '42', aud: AUD, iat: Math.floor(Date.now() / 1000)}},
		]);
		const keys = {tokenSecrets: [SECRET], publicKeys: [es.publicJwk]};
		expect(await verifyIdentityToken(token, keys, {audience: 'ct_demo'})).toEqual({ok: true, userId: '42', attributes: {}, keyIndex: 1});
		expect(await verifyIdentityToken(wrongKid, keys, {audience: AUD})).toEqual({ok: false, code: 'token_invalid'});
	});
});

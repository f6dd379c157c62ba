import {decodeJwt, decodeProtectedHeader} from 'jose';
import {beforeAll, describe, expect, it} from 'vitest';
import {MAX_TOKEN_LENGTH, signIdentityToken, SigningError, verifyIdentityToken} from '../../src/server/index';
import {hasPyJwt, keyPair, pyjwt, type Pair} from './token-keys';

const SECRET = 'sk_test_5fJ9q2LmX7';

let es: Pair;
beforeAll(async () => {
	es = await keyPair('ES256', 'es-2026');
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

	it('writes no exp, aud or attributes when none are given', async () => {
		expect(Object.keys(decodeJwt(await signIdentityToken({userId: 'ana'}, SECRET))).sort()).toEqual(['iat', 'sub']);
	});

	it('signs what the API accepts, and a Date expiration the same as its ISO string', async () => {
		const expiration = new Date('2030-01-01T00:00:00.000Z');
		const token = await signIdentityToken({userId: 'ana'}, SECRET, {expiration});
		expect(decodeJwt(token).exp).toBe(decodeJwt(await signIdentityToken({userId: 'ana'}, SECRET, {expiration: expiration.toISOString()})).exp);
		expect(await verifyIdentityToken(token, {secrets: [SECRET]})).toMatchObject({ok: true, userId: 'ana', expiresAt: expiration});
	});

	it('refuses each argument the API would refuse, with a SigningError that names it', async () => {
		const cases: Array<[() => Promise<string>, string]> = [
			[() => signIdentityToken({userId: ''}, SECRET), 'invalid_user_id'],
			[() => signIdentityToken({userId: 'a\nb'}, SECRET), 'invalid_user_id'],
			[() => signIdentityToken(null as never, SECRET), 'invalid_user_id'],
			[() => signIdentityToken({userId: 'ana'}, ''), 'invalid_secret'],
			[() => signIdentityToken({userId: 'ana', attributes: [] as never}, SECRET), 'invalid_attributes'],
			[() => signIdentityToken({userId: 'ana', attributes: JSON.parse('{"__proto__":{"admin":true}}')}, SECRET), 'invalid_attributes'],
			[() => signIdentityToken({userId: 'ana', attributes: {n: 1n}}, SECRET), 'invalid_attributes'],
			[() => signIdentityToken({userId: 'ana'}, SECRET, {expiration: '2030-01-01'}), 'invalid_expiration'],
			[() => signIdentityToken({userId: 'ana'}, SECRET, {keyId: ''}), 'invalid_key_id'],
			[() => signIdentityToken({userId: 'ana'}, SECRET, {audience: 7 as never}), 'invalid_audience'],
			[() => signIdentityToken({userId: 'ana'}, SECRET, null as never), 'invalid_options'],
			[() => signIdentityToken({userId: 'ana', attributes: {note: 'x'.repeat(MAX_TOKEN_LENGTH)}}, SECRET), 'token_too_large'],
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
		const [token] = pyjwt([{alg: 'HS256', key: SECRET, claims: {sub: 'José', exp, attributes: {plan: 'pro'}}}]);
		expect(await verifyIdentityToken(token, {secrets: ['sk_old', SECRET]})).toEqual({
			ok: true,
			userId: 'José',
			attributes: {plan: 'pro'},
			keyIndex: 1,
			expiresAt: new Date(exp * 1000),
		});
	});

	it('accepts an ES256 token PyJWT signs with a private key the API never sees, by its kid', async () => {
		const [token, wrongKid] = pyjwt([
			{alg: 'ES256', key: es.pem, kid: 'es-2026', claims: {sub: '42', aud: 'ct_demo'}},
			{alg: 'ES256', key: es.pem, kid: 'es-2025', claims: {sub: '42'}},
		]);
		const keys = {secrets: [SECRET], publicKeys: [es.publicJwk]};
		expect(await verifyIdentityToken(token, keys, {audience: 'ct_demo'})).toEqual({ok: true, userId: '42', attributes: {}, keyIndex: 1});
		expect(await verifyIdentityToken(wrongKid, keys)).toEqual({ok: false, code: 'token_invalid'});
	});
});

import {createHmac, createPublicKey} from 'node:crypto';
import fc from 'fast-check';
import {beforeAll, describe, expect, it} from 'vitest';
import {MAX_TOKEN_LENGTH, signIdentityToken, verifyIdentityToken, type TokenKeys} from '../../src/server/index';
import {tokenKeyring} from '../../src/server/token-keys';
import {joseToken, keyPair, type Pair} from './token-keys';

const OLD = 'sk_test_old_Hq81';
const NEW = 'sk_test_new_Zt40';
const NOW = new Date('2026-11-21T12:00:00.000Z');
const SECONDS = NOW.getTime() / 1000;
const invalid = {ok: false, code: 'token_invalid'};
const expired = {ok: false, code: 'token_expired'};

let es: Pair;
let ed: Pair;
let rs: Pair;
let keys: TokenKeys;

beforeAll(async () => {
	[es, ed, rs] = await Promise.all([keyPair('ES256', 'es-1'), keyPair('EdDSA', 'ed-1'), keyPair('RS256')]);
	keys = {secrets: [OLD, NEW], publicKeys: [es.publicJwk, ed.publicJwk, rs.publicJwk]};
});

const verify = (token: unknown, options = {}) => verifyIdentityToken(token, keys, {now: NOW, ...options});
const secret = (text: string) => new TextEncoder().encode(text);
const segments = (token: string) => token.split('.');
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyIdentityToken', () => {
	it('accepts a token from signIdentityToken and answers the user, the attributes and the key', async () => {
		const token = await signIdentityToken({userId: 42, attributes: {plan: 'pro', seats: 3}}, NEW);
		expect(await verify(token)).toEqual({ok: true, userId: '42', attributes: {plan: 'pro', seats: 3}, keyIndex: 1});
	});

	it('counts keyIndex over the secrets first, then the public keys, for tokens jose signs', async () => {
		expect(await verify(await joseToken(secret(OLD), {sub: 'ana'}))).toMatchObject({ok: true, userId: 'ana', keyIndex: 0});
		expect(await verify(await joseToken(es, {sub: 'ana'}, {kid: 'es-1'}))).toMatchObject({ok: true, keyIndex: 2});
		expect(await verify(await joseToken(ed, {sub: 'ana'}, {kid: 'ed-1'}))).toMatchObject({ok: true, keyIndex: 3});
		expect(await verify(await joseToken(ed, {sub: 'ana'}, {alg: 'Ed25519'}))).toMatchObject({ok: true, keyIndex: 3});
		expect(await verify(await joseToken(rs, {sub: 'ana'}))).toMatchObject({ok: true, keyIndex: 4});
	});

	it('answers attributes {} when the token signs none, and the expiry when it has one', async () => {
		expect(await verify(await joseToken(es, {sub: 'ana', exp: SECONDS + 600}))).toEqual({
			ok: true,
			userId: 'ana',
			attributes: {},
			keyIndex: 2,
			expiresAt: new Date((SECONDS + 600) * 1000),
		});
	});

	it('answers token_expired past exp plus the skew, and accepts it within the skew', async () => {
		const token = await joseToken(secret(NEW), {sub: 'ana', exp: SECONDS - 59});
		expect(await verify(token)).toMatchObject({ok: true});
		expect(await verify(token, {clockSkewSeconds: 58})).toEqual(expired);
		expect(await verify(await joseToken(es, {sub: 'ana', exp: SECONDS - 61}))).toEqual(expired);
	});

	it('does not call an expired token with a wrong signature expired', async () => {
		expect(await verify(await joseToken(secret('sk_someone_else'), {sub: 'ana', exp: SECONDS - 3600}))).toEqual(invalid);
	});

	it('refuses alg none, with or without a signature', async () => {
		const body = base64url({sub: 'ana'});
		for (const alg of ['none', 'None', 'NONE']) {
			expect(await verify(`${base64url({alg})}.${body}.`)).toEqual(invalid);
			expect(await verify(`${base64url({alg})}.${body}.AAAA`)).toEqual(invalid);
		}
	});

	it('refuses an HS256 token "signed" with a public key as its secret (algorithm confusion)', async () => {
		const pem = createPublicKey({key: rs.publicJwk as never, format: 'jwk'}).export({type: 'spki', format: 'pem'});
		const publicOnly = {publicKeys: [es.publicJwk, rs.publicJwk]};
		for (const material of [pem, JSON.stringify(rs.publicJwk), JSON.stringify(es.publicJwk), String(es.publicJwk.x)]) {
			const forged = await joseToken(secret(String(material)), {sub: 'admin'});
			expect(await verifyIdentityToken(forged, publicOnly, {now: NOW})).toEqual(invalid);
		}
	});

	it('refuses a token whose alg does not fit the key it was signed with', async () => {
		const [header, payload, signature] = segments(await joseToken(es, {sub: 'ana'}));
		expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({alg: 'ES256'});
		for (const alg of ['RS256', 'EdDSA', 'HS256', 'ES384', 'PS256']) {
			expect(await verify(`${base64url({alg})}.${payload}.${signature}`)).toEqual(invalid);
		}
	});

	it('refuses an unknown kid, and a public key used under another key\'s kid', async () => {
		expect(await verify(await joseToken(es, {sub: 'ana'}, {kid: 'es-2'}))).toEqual(invalid);
		expect(await verify(await joseToken(es, {sub: 'ana'}, {kid: 'ed-1'}))).toEqual(invalid);
		// rs has no kid: a token naming one is not checked with it.
		expect(await verify(await joseToken(rs, {sub: 'ana'}, {kid: 'rs-1'}))).toEqual(invalid);
	});

	it('tries every secret whatever the kid of an HS256 token: secrets have none', async () => {
		expect(await verify(await signIdentityToken({userId: 'ana'}, OLD, {keyId: 'old'}))).toMatchObject({ok: true, keyIndex: 0});
	});

	it("refuses another client's token: an aud that is not this client, or an aud nobody checks", async () => {
		const token = await signIdentityToken({userId: 'ana'}, NEW, {audience: 'ct_other'});
		expect(await verify(token, {audience: 'ct_mine'})).toEqual(invalid);
		expect(await verify(token)).toEqual(invalid);
		expect(await verify(token, {audience: 'ct_other'})).toMatchObject({ok: true});
		expect(await verify(await joseToken(es, {sub: 'ana', aud: ['ct_x', 'ct_mine']}), {audience: 'ct_mine'})).toMatchObject({ok: true});
		expect(await verify(await joseToken(es, {sub: 'ana'}), {audience: 'ct_mine'})).toMatchObject({ok: true});
	});

	it('refuses a token signed by a key the client does not have', async () => {
		const stranger = await keyPair('ES256');
		expect(await verify(await joseToken(stranger, {sub: 'ana'}))).toEqual(invalid);
		expect(await verify(await signIdentityToken({userId: 'ana'}, 'sk_other'))).toEqual(invalid);
	});

	it('refuses a token whose attributes were changed after signing', async () => {
		const [header, , signature] = segments(await signIdentityToken({userId: 'ana', attributes: {plan: 'free'}}, NEW));
		expect(await verify(`${header}.${base64url({sub: 'ana', attributes: {plan: 'enterprise'}})}.${signature}`)).toEqual(invalid);
	});

	it('refuses a sub that is not a valid user id, even well signed', async () => {
		for (const sub of [undefined, '', 'ana\nbob', 'a'.repeat(257), 42, 'x\uD800']) {
			expect(await verify(await joseToken(es, sub === undefined ? {} : ({sub} as never)))).toEqual(invalid);
		}
	});

	it('refuses signed attributes that metadata could not be, even well signed', async () => {
		const deep = '{"a":'.repeat(40) + '1' + '}'.repeat(40);
		for (const attributes of ['null', '[]', '"pro"', '{"constructor":1}', '{"a":{"__proto__":{"admin":true}}}', '{"a":{"prototype":{}}}', deep]) {
			const token = await joseToken(es, JSON.parse(`{"sub":"ana","attributes":${attributes}}`));
			expect(await verify(token)).toEqual(invalid);
		}
	});

	it('refuses a token not yet valid (nbf) and one with a non-numeric exp', async () => {
		expect(await verify(await joseToken(es, {sub: 'ana', nbf: SECONDS + 3600}))).toEqual(invalid);
		expect(await verify(await joseToken(es, {sub: 'ana', exp: 'tomorrow'} as never))).toEqual(invalid);
	});

	it('refuses a well-signed token longer than MAX_TOKEN_LENGTH before decoding it', async () => {
		const long = await joseToken(secret(NEW), {sub: 'ana', attributes: {note: 'x'.repeat(MAX_TOKEN_LENGTH)}});
		expect(long.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
		expect(await verify(long)).toEqual(invalid);
	});

	it('refuses the JSON serialisation and anything that is not three base64url parts', async () => {
		const [header, payload, signature] = segments(await signIdentityToken({userId: 'ana'}, NEW));
		const cases = [`${header}.${payload}`, `${header}.${payload}.${signature}.`, ` ${header}.${payload}.${signature}`, JSON.stringify({protected: header, payload, signature})];
		for (const token of cases) {
			expect(await verify(token)).toEqual(invalid);
		}
	});

	it('never throws on what a page can send: any value, random text, truncated or swapped tokens', async () => {
		const token = await signIdentityToken({userId: 'ana', attributes: {plan: 'pro'}}, NEW, {expiration: new Date(NOW.getTime() + 60_000)});
		const esToken = await joseToken(es, {sub: 'ana'}, {kid: 'es-1'});
		const mangled = fc.oneof(
			fc.anything(),
			fc.string(),
			fc.stringMatching(/^[\w-]*\.[\w-]*\.[\w-]*$/),
			fc.nat(token.length).map((end) => token.slice(0, end)),
			fc.nat(esToken.length).map((end) => esToken.slice(end)),
			fc.shuffledSubarray(segments(token), {minLength: 3, maxLength: 3}).map((parts) => parts.join('.')),
			fc.tuple(fc.constantFrom(...segments(token)), fc.constantFrom(...segments(esToken)), fc.constantFrom(...segments(token), ...segments(esToken))).map((parts) => parts.join('.')),
			fc.tuple(fc.json(), fc.json()).map(([header, payload]) => `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}.c2ln`),
		);
		await fc.assert(
			fc.asyncProperty(mangled, async (value) => {
				const result = await verify(value);
				expect(result.ok === false || value === token || value === esToken).toBe(true);
			}),
			{numRuns: 400},
		);
	});

	it('throws a TypeError for keys no token could be checked with, naming the mistake but not the key', async () => {
		const {d: _d, ...noD} = {...rs.publicJwk, d: 'secret-part'};
		const cases: Array<[TokenKeys, RegExp]> = [
			[{}, /at least one/],
			[{secrets: ['']}, /secrets\[0\]/],
			[{publicKeys: [{...es.publicJwk, d: 'c2VjcmV0'}]}, /private key/],
			[{publicKeys: [{kty: 'oct', k: 'c2VjcmV0'}]}, /private key/],
			[{publicKeys: [{...es.publicJwk, alg: 'HS256'}]}, /ES256 only/],
			[{publicKeys: [{kty: 'EC', crv: 'P-384', x: 'a', y: 'b'}]}, /P-256/],
			[{publicKeys: [{...noD, n: 'AQAB'}]}, /2048/],
			[{publicKeys: [{...es.publicJwk, use: 'enc'}]}, /use/],
		];
		for (const [bad, message] of cases) {
			const error = await verifyIdentityToken('a.b.c', bad).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(TypeError);
			expect(String(error)).toMatch(message);
			expect(String(error)).not.toContain('c2VjcmV0');
		}
	});

	it("imports a client's keys once, not on every call", async () => {
		expect(tokenKeyring(keys)).toBe(tokenKeyring(keys));
		const [first] = await tokenKeyring(keys);
		await verify(await signIdentityToken({userId: 'ana'}, OLD));
		expect((await tokenKeyring(keys))[0].key).toBe(first.key);
	});

	it('refuses a misconfigured clock or audience with a TypeError', async () => {
		await expect(verifyIdentityToken('a.b.c', keys, {now: new Date(Number.NaN)})).rejects.toThrow(TypeError);
		await expect(verifyIdentityToken('a.b.c', keys, {clockSkewSeconds: -1})).rejects.toThrow(TypeError);
		await expect(verifyIdentityToken('a.b.c', keys, {audience: ''})).rejects.toThrow(TypeError);
	});

	it('agrees with an HMAC computed by hand over the first two parts', async () => {
		const [header, payload, signature] = segments(await signIdentityToken({userId: 'ana'}, NEW));
		expect(createHmac('sha256', NEW).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
	});
});

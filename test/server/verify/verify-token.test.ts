import {createHmac, createPublicKey} from 'node:crypto';
import fc from 'fast-check';
import {beforeAll, describe, expect, it} from 'vitest';
import {MAX_TOKEN_LENGTH, signIdentityToken, verifyIdentityToken, type TokenKeys} from '../../../src/server/index';
import {tokenKeyring} from '../../../src/server/verify/token-keys';
import {joseToken, keyPair, type Pair} from '../support/token-keys';

const OLD = 'sk_test_old_Hq81';
const NEW = 'sk_test_new_Zt40';
// Now, to the second: signIdentityToken and jose write the real time as iat.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const AUD = 'ct_mine';
const SECONDS = NOW.getTime() / 1000;
const invalid = {ok: false, code: 'token_invalid'};
const expired = {ok: false, code: 'token_expired'};

let es: Pair;
let ed: Pair;
let rs: Pair;
let keys: TokenKeys;

beforeAll(async () => {
	[es, ed, rs] = await Promise.all([keyPair('ES256', 'es-1'), keyPair('EdDSA', 'ed-1'), keyPair('RS256')]);
	keys = {tokenSecrets: [OLD, NEW], publicKeys: [es.publicJwk, ed.publicJwk, rs.publicJwk]};
});

const verify = (token: unknown, options = {}) => verifyIdentityToken(token, keys, {now: NOW, audience: AUD, ...options});
const secret = (text: string) => new TextEncoder().encode(text);
const segments = (token: string) => token.split('.');
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyIdentityToken', () => {
	it('accepts a token from signIdentityToken and answers the user, the attributes and the key', async () => {
		const token = await signIdentityToken({userId: 42, attributes: {plan: 'pro', seats: 3}}, NEW, {audience: AUD});
		expect(await verify(token)).toEqual({ok: true, userId: '42', attributes: {plan: 'pro', seats: 3}, keyIndex: 1});
	});

	it('counts keyIndex over the secrets first, then the public keys, for tokens jose signs', async () => {
		expect(await verify(await joseToken(secret(OLD), {aud: AUD, sub: 'ana'}))).toMatchObject({ok: true, userId: 'ana', keyIndex: 0});
		expect(await verify(await joseToken(es, {aud: AUD, sub: 'ana'}, {kid: 'es-1'}))).toMatchObject({ok: true, keyIndex: 2});
		expect(await verify(await joseToken(ed, {aud: AUD, sub: 'ana'}, {kid: 'ed-1'}))).toMatchObject({ok: true, keyIndex: 3});
		expect(await verify(await joseToken(ed, {aud: AUD, sub: 'ana'}, {alg: 'Ed25519'}))).toMatchObject({ok: true, keyIndex: 3});
		expect(await verify(await joseToken(rs, {aud: AUD, sub: 'ana'}))).toMatchObject({ok: true, keyIndex: 4});
	});

	it('answers attributes {} when the token signs none, and the expiry when it has one', async () => {
		expect(await verify(await joseToken(es, {aud: AUD, sub: 'ana', exp: SECONDS + 600}))).toEqual({
			ok: true,
			userId: 'ana',
			attributes: {},
			keyIndex: 2,
			expiresAt: new Date((SECONDS + 600) * 1000),
		});
	});

	it('answers token_expired past exp plus the skew, and accepts it within the skew', async () => {
		const token = await joseToken(secret(NEW), {aud: AUD, sub: 'ana', exp: SECONDS - 59});
		expect(await verify(token)).toMatchObject({ok: true});
		expect(await verify(token, {clockSkewSeconds: 58})).toEqual(expired);
		expect(await verify(await joseToken(es, {aud: AUD, sub: 'ana', exp: SECONDS - 61}))).toEqual(expired);
	});

	it('does not call an expired token with a wrong signature expired', async () => {
		expect(await verify(await joseToken(secret('sk_someone_else'), {aud: AUD, sub: 'ana', exp: SECONDS - 3600}))).toEqual(invalid);
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
			const forged = await joseToken(secret(String(material)), {aud: AUD, sub: 'admin'});
			expect(await verifyIdentityToken(forged, publicOnly, {now: NOW, audience: AUD})).toEqual(invalid);
		}
	});

	it('refuses a token whose alg does not fit the key it was signed with', async () => {
		const [header, payload, signature] = segments(await joseToken(es, {aud: AUD, sub: 'ana'}));
		expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({alg: 'ES256'});
		for (const alg of ['RS256', 'EdDSA', 'HS256', 'ES384', 'PS256']) {
			expect(await verify(`${base64url({alg})}.${payload}.${signature}`)).toEqual(invalid);
		}
	});

	it('refuses an unknown kid, and a public key used under another key\'s kid', async () => {
		expect(await verify(await joseToken(es, {aud: AUD, sub: 'ana'}, {kid: 'es-2'}))).toEqual(invalid);
		expect(await verify(await joseToken(es, {aud: AUD, sub: 'ana'}, {kid: 'ed-1'}))).toEqual(invalid);
		// rs has no kid: a token naming one is not checked with it.
		expect(await verify(await joseToken(rs, {aud: AUD, sub: 'ana'}, {kid: 'rs-1'}))).toEqual(invalid);
	});

	it('tries every secret whatever the kid of an HS256 token: secrets have none', async () => {
		expect(await verify(await signIdentityToken({userId: 'ana'}, OLD, {keyId: 'old', audience: AUD}))).toMatchObject({ok: true, keyIndex: 0});
	});

	it("refuses another client's token, and one that names no client: aud is required", async () => {
		const token = await signIdentityToken({userId: 'ana'}, NEW, {audience: 'ct_other'});
		expect(await verify(token)).toEqual(invalid);
		expect(await verify(token, {audience: 'ct_other'})).toMatchObject({ok: true});
		expect(await verify(await joseToken(es, {sub: 'ana', aud: ['ct_x', AUD]}))).toMatchObject({ok: true});
		expect(await verify(await joseToken(es, {sub: 'ana', aud: ['ct_x']}))).toEqual(invalid);
		// Without aud, a token would be good for every client that shares the key (staging and production).
		expect(await verify(await joseToken(es, {sub: 'ana'}))).toEqual(invalid);
		expect(await verify(await joseToken(secret(NEW), {sub: 'ana'}))).toEqual(invalid);
	});

	it('refuses claims out of their rules: typ other than JWT, iat missing or in the future, exp beyond any date', async () => {
		const good = {sub: 'ana', aud: AUD};
		expect(await verify(await joseToken(es, good, {typ: 'JWT'}))).toMatchObject({ok: true});
		expect(await verify(await joseToken(es, good, {typ: 'jwt'}))).toMatchObject({ok: true});
		expect(await verify(await joseToken(es, good, {typ: 'at+jwt'}))).toEqual(invalid);
		expect(await verify(await joseToken(es, {...good, iat: undefined}))).toEqual(invalid);
		expect(await verify(await joseToken(es, {...good, iat: Date.parse('2100-01-01T00:00:00Z') / 1000}))).toEqual(invalid);
		expect(await verify(await joseToken(es, {...good, iat: SECONDS + 59}))).toMatchObject({ok: true});
		expect(await verify(await joseToken(es, {...good, iat: SECONDS + 61}))).toEqual(invalid);
		for (const exp of [1e13, 1e300, -1e13]) {
			expect(await verify(await joseToken(es, {...good, exp}))).toEqual(invalid);
		}
		// Expired is said only of a token that would otherwise be good.
		expect(await verify(await joseToken(es, {...good, exp: SECONDS - 3600}))).toEqual(expired);
		expect(await verify(await joseToken(es, {sub: 'ana', aud: 'ct_other', exp: SECONDS - 3600}))).toEqual(invalid);
	});

	it('refuses a token signed by a key the client does not have', async () => {
		const stranger = await keyPair('ES256');
		expect(await verify(await joseToken(stranger, {aud: AUD, sub: 'ana'}))).toEqual(invalid);
		expect(await verify(await signIdentityToken({userId: 'ana'}, 'sk_other', {audience: AUD}))).toEqual(invalid);
	});

	it('refuses a token whose attributes were changed after signing', async () => {
		const [header, , signature] = segments(await signIdentityToken({userId: 'ana', attributes: {plan: 'free'}}, NEW, {audience: AUD}));
		expect(await verify(`${header}.${base64url({sub: 'ana', attributes: {plan: 'enterprise'}})}.${signature}`)).toEqual(invalid);
	});

	it('refuses a sub that is not a valid user id, even well signed', async () => {
		for (const sub of [undefined, '', 'ana\nbob', 'a'.repeat(257), 42, 'x\uD800']) {
			expect(await verify(await joseToken(es, sub === undefined ? {aud: AUD} : ({sub, aud: AUD} as never)))).toEqual(invalid);
		}
	});

	it('refuses signed attributes that metadata could not be, even well signed', async () => {
		const deep = '{"a":'.repeat(40) + '1' + '}'.repeat(40);
		for (const attributes of ['null', '[]', '"pro"', '{"constructor":1}', '{"a":{"__proto__":{"admin":true}}}', '{"a":{"prototype":{}}}', deep]) {
			const token = await joseToken(es, JSON.parse(`{"sub":"ana","aud":"${AUD}","attributes":${attributes}}`));
			expect(await verify(token)).toEqual(invalid);
		}
	});

	it('refuses a token not yet valid (nbf) and one with a non-numeric exp', async () => {
		expect(await verify(await joseToken(es, {aud: AUD, sub: 'ana', nbf: SECONDS + 3600}))).toEqual(invalid);
		expect(await verify(await joseToken(es, {aud: AUD, sub: 'ana', exp: 'tomorrow'} as never))).toEqual(invalid);
	});

	it('refuses a well-signed token longer than MAX_TOKEN_LENGTH before decoding it', async () => {
		const long = await joseToken(secret(NEW), {aud: AUD, sub: 'ana', attributes: {note: 'x'.repeat(MAX_TOKEN_LENGTH)}});
		expect(long.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
		expect(await verify(long)).toEqual(invalid);
	});

	it('refuses the JSON serialisation and anything that is not three base64url parts', async () => {
		const [header, payload, signature] = segments(await signIdentityToken({userId: 'ana'}, NEW, {audience: AUD}));
		const cases = [`${header}.${payload}`, `${header}.${payload}.${signature}.`, ` ${header}.${payload}.${signature}`, JSON.stringify({protected: header, payload, signature})];
		for (const token of cases) {
			expect(await verify(token)).toEqual(invalid);
		}
	});

	it('never throws on what a page can send: any value, random text, truncated or swapped tokens', async () => {
		const token = await signIdentityToken({userId: 'ana', attributes: {plan: 'pro'}}, NEW, {audience: AUD, expiration: new Date(NOW.getTime() + 60_000)});
		const esToken = await joseToken(es, {aud: AUD, sub: 'ana'}, {kid: 'es-1'});
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
			[{tokenSecrets: ['']}, /tokenSecrets\[0\]/],
			[{secrets: ['sk_hash_key']} as TokenKeys, /hash keys never verify tokens/],
			[{publicKeys: [{...es.publicJwk, d: 'c2VjcmV0'}]}, /private key/],
			[{publicKeys: [{kty: 'oct', k: 'c2VjcmV0'}]}, /private key/],
			[{publicKeys: [{...es.publicJwk, alg: 'HS256'}]}, /ES256 only/],
			[{publicKeys: [{kty: 'EC', crv: 'P-384', x: 'a', y: 'b'}]}, /P-256/],
			[{publicKeys: [{...noD, n: 'AQAB'}]}, /2048/],
			[{publicKeys: [{...es.publicJwk, use: 'enc'}]}, /use/],
		];
		for (const [bad, message] of cases) {
			const error = await verifyIdentityToken('a.b.c', bad, {audience: AUD}).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(TypeError);
			expect(String(error)).toMatch(message);
			expect(String(error)).not.toContain('c2VjcmV0');
		}
	});

	it("imports a client's keys once, not on every call", async () => {
		expect(tokenKeyring(keys)).toBe(tokenKeyring(keys));
		const [first] = await tokenKeyring(keys);
		await verify(await signIdentityToken({userId: 'ana'}, OLD, {audience: AUD}));
		expect((await tokenKeyring(keys))[0].key).toBe(first.key);
	});

	it('refuses a misconfigured clock or audience with a TypeError', async () => {
		await expect(verifyIdentityToken('a.b.c', keys, {audience: AUD, now: new Date(Number.NaN)})).rejects.toThrow(TypeError);
		await expect(verifyIdentityToken('a.b.c', keys, {audience: AUD, clockSkewSeconds: -1})).rejects.toThrow(TypeError);
		await expect(verifyIdentityToken('a.b.c', keys, {audience: ''})).rejects.toThrow(TypeError);
		await expect(verifyIdentityToken('a.b.c', keys, {} as never)).rejects.toThrow(/audience/);
	});

	it('agrees with an HMAC computed by hand over the first two parts', async () => {
		const [header, payload, signature] = segments(await signIdentityToken({userId: 'ana'}, NEW, {audience: AUD}));
		expect(createHmac('sha256', NEW).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
	});
});

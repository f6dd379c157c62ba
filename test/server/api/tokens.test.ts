// Identity tokens through the reference API over real HTTP (SPEC §3
// "Identity tokens"): every refusal, monitor mode, signed attributes that
// unsigned metadata cannot override, and sessions that end with the token.
import {createHmac} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {createIdentityHandler, signIdentity, signIdentityToken} from '../../../src/server/index';
import {clock, identifyBody, SECRET, serve, TOKEN_SECRET} from '../support/helpers';
import {hasPyJwt, joseToken, keyPair, pyjwt} from '../support/token-keys';

const [es, ed, stranger] = await Promise.all([keyPair('ES256', 'es-1'), keyPair('EdDSA'), keyPair('ES256', 'es-1')]);
// Now, to the second: tokens carry the real time as iat.
const time = clock(new Date(Math.floor(Date.now() / 1000) * 1000).toISOString());
const NOW = time.now().getTime() / 1000;
const api = await serve({
	now: time.now,
	clients: {
		ct_enforce: {secrets: [SECRET], tokenSecrets: [TOKEN_SECRET], publicKeys: [es.publicJwk], enforce: true},
		ct_monitor: {publicKeys: [ed.publicJwk]},
		ct_other: {tokenSecrets: [TOKEN_SECRET], enforce: true},
		ct_hashes: {secrets: [SECRET], enforce: true},
	},
});

const identify = (fields: Record<string, unknown>) => api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', metadata: undefined, ...fields}));
const refusedWith = (code: string) => ({status: 403, body: {error: {code}}});

describe('identify with an identity token', () => {
	it('verifies an HS256 token from signIdentityToken, opens a session and keeps the signed attributes', async () => {
		const token = await signIdentityToken({userId: 'ana', attributes: {plan: 'pro'}}, TOKEN_SECRET, {audience: 'ct_enforce'});
		const answer = await identify({userId: 'ana', token, metadata: {theme: 'dark'}});
		expect(answer).toMatchObject({status: 200, body: {userId: 'ana', verified: true, verification: 'ok', session: {token: expect.any(String)}}});
		expect(answer.body.ignored).toBeUndefined();
		expect(await api.store.getUser('ct_enforce', 'ana')).toMatchObject({metadata: {plan: 'pro', theme: 'dark'}, signedKeys: ['plan']});
	});

	it('verifies an ES256 token signed by a private key the API never sees', async () => {
		const token = await joseToken(es, {aud: 'ct_enforce', sub: 'bo', attributes: {role: 'viewer'}}, {kid: 'es-1'});
		expect(await identify({userId: 'bo', token})).toMatchObject({status: 200, body: {verified: true}});
	});

	it.skipIf(!hasPyJwt)('verifies the HS256 and ES256 tokens PyJWT signs', async () => {
		const [hs, ecdsa] = pyjwt([
			{alg: 'HS256', key: TOKEN_SECRET, claims: {sub: 'py', aud: 'ct_enforce', iat: NOW, exp: NOW + 600, attributes: {plan: 'pro'}}},
			{alg: 'ES256', key: es.pem, kid: 'es-1', claims: {sub: 'py', aud: ['ct_enforce'], iat: NOW}},
		]);
		expect(await identify({userId: 'py', token: hs})).toMatchObject({status: 200, body: {verified: true}});
		expect(await identify({userId: 'py', token: ecdsa})).toMatchObject({status: 200, body: {verified: true}});
	});

	it('refuses a token sent with a hash or an expiration (400), as the token replaces both', async () => {
		const token = await signIdentityToken({userId: 'ana'}, TOKEN_SECRET, {audience: 'ct_enforce'});
		const {hash} = signIdentity('ana', SECRET);
		for (const extra of [{hash}, {expiration: '2030-01-01T00:00:00.000Z'}, {token: 42}]) {
			expect(await identify({userId: 'ana', token, ...extra})).toMatchObject({status: 400, body: {error: {code: 'invalid_request', field: 'token'}}});
		}
	});

	it("refuses another user's token: the userId sent must be the token's sub", async () => {
		const token = await signIdentityToken({userId: 'ana', attributes: {role: 'admin'}}, TOKEN_SECRET, {audience: 'ct_enforce'});
		expect(await identify({userId: 'mallory', token})).toMatchObject(refusedWith('token_invalid'));
		expect(await api.store.getUser('ct_enforce', 'mallory')).toBeUndefined();
	});

	it('refuses a token whose attribute the page changed, and applies nothing', async () => {
		const [header, , signature] = (await signIdentityToken({userId: 'eve', attributes: {plan: 'free'}}, TOKEN_SECRET, {audience: 'ct_enforce'})).split('.');
		const payload = Buffer.from(JSON.stringify({sub: 'eve', attributes: {plan: 'enterprise'}})).toString('base64url');
		expect(await identify({userId: 'eve', token: `${header}.${payload}.${signature}`})).toMatchObject(refusedWith('token_invalid'));
		expect(await api.store.getUser('ct_enforce', 'eve')).toBeUndefined();
	});

	it('refuses alg none, a forged HS256 token keyed with the public key, an unknown kid, and a stranger key', async () => {
		const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"ana"}').toString('base64url')}.`;
		const confused = await joseToken(new TextEncoder().encode(JSON.stringify(es.publicJwk)), {aud: 'ct_enforce', sub: 'ana'});
		const unknownKid = await joseToken(es, {aud: 'ct_enforce', sub: 'ana'}, {kid: 'es-2'});
		const strangers = await joseToken(stranger, {aud: 'ct_monitor', sub: 'ana'}, {kid: 'es-1'});
		for (const token of [none, confused, unknownKid, strangers, 'not.a.token', 'x'.repeat(20_000)]) {
			expect(await identify({userId: 'ana', token})).toMatchObject(refusedWith('token_invalid'));
		}
	});

	it("refuses a token made for another client (aud), even one signed with the same secret", async () => {
		const token = await signIdentityToken({userId: 'ana'}, TOKEN_SECRET, {audience: 'ct_other'});
		expect(await identify({userId: 'ana', token})).toMatchObject(refusedWith('token_invalid'));
		expect(await identify({clientToken: 'ct_other', userId: 'ana', token})).toMatchObject({status: 200});
	});

	it('refuses a token past its exp plus 60 s with token_expired, and accepts it within the skew', async () => {
		const token = await signIdentityToken({userId: 'ana'}, TOKEN_SECRET, {audience: 'ct_enforce', expiration: new Date((NOW - 30) * 1000)});
		expect(await identify({userId: 'ana', token})).toMatchObject({status: 200});
		const old = await signIdentityToken({userId: 'ana'}, TOKEN_SECRET, {audience: 'ct_enforce', expiration: new Date((NOW - 61) * 1000)});
		expect(await identify({userId: 'ana', token: old})).toMatchObject(refusedWith('token_expired'));
	});

	it('ends the session no later than the token exp plus the skew', async () => {
		const token = await signIdentityToken({userId: 'ana'}, TOKEN_SECRET, {audience: 'ct_enforce', expiration: new Date((NOW + 120) * 1000)});
		const answer = await identify({userId: 'ana', token});
		expect(answer.body.session.expiresAt).toBe(new Date((NOW + 180) * 1000).toISOString());
	});

	it('answers hash_missing to a hash-less call on a client with public keys only, and never a 500', async () => {
		expect(await identify({clientToken: 'ct_monitor', userId: 'ana'})).toMatchObject({status: 200, body: {verification: 'hash_missing'}});
		expect(await identify({clientToken: 'ct_monitor', ...signIdentity('ana', SECRET)})).toMatchObject({status: 200, body: {verification: 'hash_invalid'}});
	});

	it('never writes a token into a log line or an answer', async () => {
		const token = await joseToken(es, {aud: 'ct_enforce', sub: 'zed'}, {kid: 'es-1'});
		await identify({userId: 'zed', token});
		await identify({userId: 'other', token});
		const signature = token.split('.')[2]!;
		expect(api.logs.join('\n')).not.toContain(signature);
		expect(api.answers.join('\n')).not.toContain(signature);
	});
});

describe('monitor mode with tokens', () => {
	it('answers 200 unverified with the code and its words, and signs nothing', async () => {
		const token = await joseToken(stranger, {aud: 'ct_monitor', sub: 'mo', attributes: {plan: 'enterprise'}});
		const answer = await identify({clientToken: 'ct_monitor', userId: 'mo', token, metadata: {theme: 'dark'}});
		expect(answer).toMatchObject({status: 200, body: {verified: false, verification: 'token_invalid', message: expect.stringContaining('token'), session: null}});
		expect(await api.store.getUser('ct_monitor', 'mo')).toMatchObject({metadata: {theme: 'dark'}, signedKeys: []});
	});

	it('verifies an EdDSA token with the client public key', async () => {
		const token = await joseToken(ed, {aud: 'ct_monitor', sub: 'mo2', exp: NOW + 60});
		expect(await identify({clientToken: 'ct_monitor', userId: 'mo2', token})).toMatchObject({status: 200, body: {verified: true, verification: 'ok'}});
	});
});

describe('signed attributes win', () => {
	it('does not let unsigned metadata override a signed attribute, and says which keys it ignored', async () => {
		const token = await joseToken(es, {aud: 'ct_enforce', sub: 'sam', attributes: {plan: 'free'}}, {kid: 'es-1'});
		const answer = await identify({userId: 'sam', token, metadata: {plan: 'enterprise', seats: 3}});
		expect(answer).toMatchObject({status: 200, body: {verified: true, ignored: ['plan']}});
		expect((await api.store.getUser('ct_enforce', 'sam'))?.metadata).toEqual({plan: 'free', seats: 3});
	});

	it('does not let /v1/user change a signed attribute with the session of that token', async () => {
		const token = await joseToken(es, {aud: 'ct_enforce', sub: 'sue', attributes: {plan: 'free'}}, {kid: 'es-1'});
		const {body} = await identify({userId: 'sue', token});
		const update = await api.post(
			'/v1/user',
			{...identifyBody({clientToken: 'ct_enforce', metadata: {plan: 'enterprise', seats: 9}}), userId: undefined},
			{headers: {Authorization: `Bearer ${body.session.token}`}},
		);
		expect(update).toMatchObject({status: 200, body: {verified: true, ignored: ['plan']}});
		expect((await api.store.getUser('ct_enforce', 'sue'))?.metadata).toEqual({plan: 'free', seats: 9});
	});
});

describe('a key has one use', () => {
	// The attack of the second security review: a hash is HMAC(key, userId)
	// and an HS256 signature is HMAC(key, "header.payload"), so a backend
	// that signs a user id someone chose signs a token of their making.
	const forge = (hashKey: string, claims: Record<string, unknown>) => {
		const userId = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
		// signIdentity refuses this id (below); a backend without that check computes the same HMAC.
		const hash = createHmac('sha256', hashKey).update(userId, 'utf8').digest('base64url');
		return `${userId}.${hash}`;
	};

	it('refuses a hash of a chosen user id passed off as an HS256 token for another user (token_invalid)', async () => {
		const token = forge(SECRET, {sub: 'admin', aud: 'ct_enforce', iat: NOW, attributes: {role: 'owner'}});
		expect(await identify({userId: 'admin', token})).toMatchObject(refusedWith('token_invalid'));
		expect(await api.store.getUser('ct_enforce', 'admin')).toBeUndefined();
	});

	it('does not start with a key that is both a hash key and a token key, of one client or two, and names the client', () => {
		const sameClient = {ct_shop: {secrets: [SECRET], tokenSecrets: [SECRET]}};
		const twoClients = {ct_shop: {secrets: [SECRET]}, ct_blog: {tokenSecrets: [SECRET]}};
		const retired = {ct_shop: {secrets: [TOKEN_SECRET + '_new'], retiredSecrets: [SECRET], tokenSecrets: [SECRET]}};
		for (const clients of [sameClient, twoClients, retired]) {
			expect(() => createIdentityHandler({clients})).toThrow(/clients\["ct_(shop|blog)"\]\.tokenSecrets .*one use/);
			expect(() => createIdentityHandler({clients})).not.toThrow(SECRET);
		}
	});

	it("refuses a token signed with the client's hash key, and a hash made with its token key", async () => {
		const token = await signIdentityToken({userId: 'ana'}, SECRET, {audience: 'ct_enforce'});
		expect(await identify({userId: 'ana', token})).toMatchObject(refusedWith('token_invalid'));
		expect(await identify(signIdentity('ana', TOKEN_SECRET))).toMatchObject(refusedWith('hash_invalid'));
	});

	it('answers token_invalid, never a 500, to a token on a client with hash keys only', async () => {
		const token = await signIdentityToken({userId: 'ana'}, SECRET, {audience: 'ct_hashes'});
		expect(await identify({clientToken: 'ct_hashes', userId: 'ana', token})).toMatchObject(refusedWith('token_invalid'));
	});
});

import {describe, expect, it} from 'vitest';
import {signIdentity} from '../../../src/server/index';
import {clock, identifyBody, OLD_SECRET, SECRET, serve} from '../support/helpers';

const time = clock('2026-11-21T12:00:00.000Z');
const api = await serve({now: time.now});
const inAnHour = '2026-11-21T13:00:00.000Z';
const anHourAgo = '2026-11-21T11:00:00.000Z';

describe('enforcement off (monitor mode, the default)', () => {
	it('answers 200 verified with variables and a session for a valid hash', async () => {
		const body = identifyBody({hash: signIdentity('42', SECRET).hash});
		const answer = await api.post('/v1/identify', body);
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			userId: '42',
			anonymousId: body.anonymousId,
			verified: true,
			verification: 'ok',
			variables: {plan: 'pro', greeting: 'hi 42'},
			session: {token: expect.stringMatching(/^[\w-]{43}$/), expiresAt: '2026-11-22T00:00:00.000Z'},
		});
	});

	it.each([
		['no hash', {}, 'hash_missing'],
		['an empty hash', {hash: ''}, 'hash_missing'],
		['a wrong hash', {hash: signIdentity('43', SECRET).hash}, 'hash_invalid'],
		['an undecodable hash', {hash: 'zz'}, 'hash_invalid'],
		['a hash of a retired key', {hash: signIdentity('42', 'sk_gone').hash}, 'hash_invalid'],
		['an expired hash', signIdentity('42', SECRET, {expiration: anHourAgo}), 'hash_expired'],
	])('answers 200 unverified, saying what enforcement would refuse, for %s', async (_, fields, code) => {
		const answer = await api.post('/v1/identify', identifyBody(fields));
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({userId: '42', verified: false, verification: code, variables: {}, session: null});
	});
});

describe('enforcement on', () => {
	it('answers 200 verified for a valid, unexpired hash', async () => {
		const signed = signIdentity('42', SECRET, {expiration: inAnHour});
		const answer = await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', ...signed}));
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({verified: true, verification: 'ok', variables: {}});
	});

	it('answers 403 hash_missing when no hash is sent', async () => {
		const answer = await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce'}));
		expect(answer.status).toBe(403);
		expect(answer.body).toEqual({error: {code: 'hash_missing', message: expect.stringContaining('no hash')}});
	});

	it('answers 403 hash_invalid when enforcement is on and the hash is wrong', async () => {
		// A key no client of this API has: with ct_test's old key the answer would name other_client.
		const answer = await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', hash: signIdentity('42', 'sk_test_nobody_Qe51').hash}));
		expect(answer.status).toBe(403);
		expect(answer.body).toEqual({
			error: {code: 'hash_invalid', message: 'the hash does not match this user id: signed with another key, another user id, or altered'},
		});
	});

	it('answers 403 hash_expired for a right hash past its expiration and the skew', async () => {
		const signed = signIdentity('42', SECRET, {expiration: anHourAgo});
		const answer = await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', ...signed}));
		expect(answer.status).toBe(403);
		expect(answer.body.error.code).toBe('hash_expired');
	});

	it('accepts a hash 60 s past its expiration but not 61 s', async () => {
		const signed = signIdentity('7', SECRET, {expiration: '2026-11-21T11:59:00.000Z'});
		expect((await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', ...signed}))).status).toBe(200);
		const late = signIdentity('7', SECRET, {expiration: '2026-11-21T11:58:59.000Z'});
		expect((await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', ...late}))).status).toBe(403);
	});

	it('leaves the user record untouched when it refuses a call', async () => {
		await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', userId: 'victim', metadata: {evil: true}}));
		expect(api.store.users('ct_enforce').find((record) => record.userId === 'victim')).toBeUndefined();
	});
});

describe('answers', () => {
	it('accepts base64 and base64url hashes as well as hex', async () => {
		for (const hash of [signIdentity('42', SECRET, {encoding: 'base64'}).hash, Buffer.from(signIdentity('42', SECRET).hash, 'hex').toString('base64url')]) {
			const answer = await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', hash}));
			expect(answer.body.verified).toBe(true);
		}
	});

	it('ends the session when the hash expires (plus skew) if that comes before the session lifetime', async () => {
		const signed = signIdentity('42', SECRET, {expiration: inAnHour});
		const answer = await api.post('/v1/identify', identifyBody(signed));
		expect(answer.body.session.expiresAt).toBe('2026-11-21T13:01:00.000Z');
	});

	it('keeps sessions by the hash of their token only', async () => {
		const answer = await api.post('/v1/identify', identifyBody({hash: signIdentity('42', SECRET).hash}));
		const stored = JSON.stringify(api.store.sessions());
		expect(stored).not.toContain(answer.body.session.token);
	});

	it('never puts a hash or a secret in an answer or a log line', async () => {
		const hashes = [signIdentity('42', SECRET).hash, signIdentity('42', SECRET, {encoding: 'base64'}).hash, signIdentity('42', OLD_SECRET).hash];
		for (const hash of hashes) {
			for (const clientToken of ['ct_test', 'ct_enforce', 'ct_unknown']) {
				await api.post('/v1/identify', identifyBody({clientToken, hash}));
				await api.post('/v1/identify', identifyBody({clientToken, hash, userId: ''}));
				await api.post('/v1/identify', identifyBody({clientToken, hash, expiration: 'soon'}));
			}
		}

		const everything = [...api.answers, ...api.logs].join('\n');
		expect(api.logs.length).toBeGreaterThan(10);
		for (const leak of [...hashes, SECRET, OLD_SECRET, ...hashes.map((hash) => hash.toUpperCase())]) {
			expect(everything).not.toContain(leak);
		}
	});

	it('writes one log line per answer with the outcome', async () => {
		const before = api.logs.length;
		await api.post('/v1/identify', identifyBody({userId: 'log-me'}));
		expect(api.logs.length).toBe(before + 1);
		expect(api.records().at(-1)).toEqual({
			time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			level: 'info',
			requestId: expect.any(String),
			route: 'identify',
			method: 'POST',
			status: 200,
			clientToken: 'ct_test',
			outcome: 'hash_missing',
			userId: 'log-me',
			durationMs: expect.any(Number),
		});
	});
});

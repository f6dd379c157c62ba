import {randomUUID} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {signIdentity} from '../../src/server/index';
import {clock, identifyBody, SECRET, serve} from './helpers';

const time = clock('2026-11-21T12:00:00.000Z');
const api = await serve({now: time.now, sessionTtlMs: 60 * 60 * 1000});

async function identified(userId = '42', clientToken = 'ct_test'): Promise<{token: string; anonymousId: string}> {
	const anonymousId = randomUUID();
	const answer = await api.post('/v1/identify', identifyBody({clientToken, userId, anonymousId, hash: signIdentity(userId, SECRET).hash}));
	expect(answer.body.verified).toBe(true);
	return {token: answer.body.session.token as string, anonymousId};
}

const userCall = (anonymousId: string, metadata: Record<string, unknown>, clientToken = 'ct_test') => ({
	clientToken,
	anonymousId,
	metadata,
	messageId: randomUUID(),
	sentAt: new Date().toISOString(),
});
const bearer = (token: string) => ({headers: {Authorization: `Bearer ${token}`}});

describe('sessions', () => {
	it('updates metadata with the session token and no new hash, answering like a verified identify', async () => {
		const {token, anonymousId} = await identified('u-update');
		const answer = await api.post('/v1/user', userCall(anonymousId, {plan: 'enterprise'}), bearer(token));
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			userId: 'u-update',
			anonymousId,
			verified: true,
			verification: 'ok',
			variables: {plan: 'pro', greeting: 'hi u-update'},
			session: {token, expiresAt: '2026-11-21T13:00:00.000Z'},
		});
		const [record] = api.store.users('ct_test').filter((entry) => entry.userId === 'u-update');
		expect(record).toMatchObject({metadata: {plan: 'enterprise'}, applied: 2});
	});

	it('answers 401 session_invalid without a token, with a malformed one or with an unknown one', async () => {
		const {anonymousId} = await identified();
		for (const init of [{}, bearer('short'), bearer('A'.repeat(43)), {headers: {Authorization: 'Basic abc'}}]) {
			const answer = await api.post('/v1/user', userCall(anonymousId, {}), init);
			expect(answer.status).toBe(401);
			expect(answer.body).toEqual({error: {code: 'session_invalid', message: expect.any(String)}});
		}
	});

	it("answers 401 to a session used with another client's token", async () => {
		const {token, anonymousId} = await identified('42', 'ct_enforce');
		expect((await api.post('/v1/user', userCall(anonymousId, {}, 'ct_test'), bearer(token))).status).toBe(401);
		expect((await api.post('/v1/user', userCall(anonymousId, {}, 'ct_enforce'), bearer(token))).status).toBe(200);
	});

	it('revokes the session on logout, after which /v1/user answers 401 session_invalid', async () => {
		const {token, anonymousId} = await identified();
		const out = await api.post('/v1/logout', {clientToken: 'ct_test', anonymousId, messageId: randomUUID()}, bearer(token));
		expect(out.status).toBe(200);
		expect(out.body).toEqual({ok: true});
		const after = await api.post('/v1/user', userCall(anonymousId, {}), bearer(token));
		expect(after.status).toBe(401);
		expect(after.body.error.code).toBe('session_invalid');
		const again = await api.post('/v1/logout', {clientToken: 'ct_test', anonymousId, messageId: randomUUID()}, bearer(token));
		expect(again.body.error.code).toBe('session_invalid');
	});

	it('expires a session after sessionTtlMs by the configured clock', async () => {
		const {token, anonymousId} = await identified();
		time.advance(60 * 60 * 1000 - 1);
		expect((await api.post('/v1/user', userCall(anonymousId, {}), bearer(token))).status).toBe(200);
		time.advance(1);
		const answer = await api.post('/v1/user', userCall(anonymousId, {}), bearer(token));
		expect(answer.status).toBe(401);
		expect(answer.body.error.code).toBe('session_invalid');
		expect((await api.post('/v1/logout', {clientToken: 'ct_test', anonymousId, messageId: randomUUID()}, bearer(token))).status).toBe(401);
	});

	it('gives no session to an unverified identify', async () => {
		const answer = await api.post('/v1/identify', identifyBody({userId: 'u-anon'}));
		expect(answer.body.session).toBeNull();
		expect(api.store.sessions().some((session) => session.userId === 'u-anon')).toBe(false);
	});
});

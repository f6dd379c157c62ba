import {randomUUID} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {MemoryStore, signIdentity} from '../../../src/server/index';
import {clock, identifyBody, OLD_SECRET, SECRET, serve, sharedView} from '../support/helpers';

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

describe('revoking sessions', () => {
	it('ends every session of the user on that visitor at logout, older ones included, and no one else’s', async () => {
		const anonymousId = randomUUID();
		const open = async (userId: string, visitor = anonymousId) =>
			(await api.post('/v1/identify', identifyBody({userId, anonymousId: visitor, hash: signIdentity(userId, SECRET).hash}))).body.session.token as string;
		const [older, newer] = [await open('u-logout'), await open('u-logout')];
		const otherVisitor = randomUUID();
		const elsewhere = await open('u-logout', otherVisitor);
		const out = await api.post('/v1/logout', {clientToken: 'ct_test', anonymousId, messageId: randomUUID()}, bearer(newer));
		expect(out.body).toEqual({ok: true});
		expect((await api.post('/v1/user', userCall(anonymousId, {}), bearer(older))).status).toBe(401);
		expect((await api.post('/v1/user', userCall(anonymousId, {}), bearer(newer))).status).toBe(401);
		expect((await api.post('/v1/user', userCall(otherVisitor, {}), bearer(elsewhere))).status).toBe(200);
	});

	it('ends the sessions a key opened once that key is removed from the client (a compromised key)', async () => {
		const store = new MemoryStore();
		const rotating = await serve({store, now: time.now, clients: {ct_test: {secrets: [OLD_SECRET, SECRET]}}});
		const anonymousId = randomUUID();
		const viaOld = await rotating.post('/v1/identify', identifyBody({userId: 'u-key', anonymousId, hash: signIdentity('u-key', OLD_SECRET).hash}));
		const viaNew = await rotating.post('/v1/identify', identifyBody({userId: 'u-key', anonymousId, hash: signIdentity('u-key', SECRET).hash}));
		expect(JSON.stringify(store.sessions())).not.toContain(OLD_SECRET);

		// The same store, restarted with the old key removed.
		const rotated = await serve({store, now: time.now, clients: {ct_test: {secrets: [SECRET]}}});
		const oldAnswer = await rotated.post('/v1/user', userCall(anonymousId, {}), bearer(viaOld.body.session.token));
		expect(oldAnswer.status).toBe(401);
		expect(oldAnswer.body.error.code).toBe('session_invalid');
		expect((await rotated.post('/v1/user', userCall(anonymousId, {}), bearer(viaNew.body.session.token))).status).toBe(200);
	});
});

// Issue 11: the SDK identifies on every page load. With a store in this
// process, a visitor who still holds a live session for the user gets it
// again instead of a new one each time; nothing revoked comes back.
describe('reusing a live session', () => {
	const identifyAs = async (target: typeof api, anonymousId: string, userId = 'u-reuse', secret = SECRET, expiration?: string) =>
		(await target.post('/v1/identify', identifyBody({userId, anonymousId, hash: signIdentity(userId, secret, {expiration}).hash, expiration})));

	it('hands a visitor who identifies again the session it already holds, and stores no second one', async () => {
		const anonymousId = randomUUID();
		const first = await identifyAs(api, anonymousId);
		const again = await identifyAs(api, anonymousId);
		expect(again.body.session).toEqual(first.body.session);
		expect(api.store.sessions().filter((session) => session.anonymousId === anonymousId)).toHaveLength(1);
		expect((await api.post('/v1/user', userCall(anonymousId, {seen: 2}), bearer(again.body.session.token))).status).toBe(200);
	});

	it("never hands one visitor's session to another visitor of the same user", async () => {
		const mine = await identifyAs(api, randomUUID());
		const theirs = await identifyAs(api, randomUUID());
		expect(theirs.body.session.token).not.toBe(mine.body.session.token);
	});

	it('opens a new session after logout, and the logged-out token stays dead', async () => {
		const anonymousId = randomUUID();
		const before = (await identifyAs(api, anonymousId)).body.session.token as string;
		await api.post('/v1/logout', {clientToken: 'ct_test', anonymousId, messageId: randomUUID()}, bearer(before));
		const after = (await identifyAs(api, anonymousId)).body.session.token as string;
		expect(after).not.toBe(before);
		expect((await api.post('/v1/user', userCall(anonymousId, {}), bearer(before))).status).toBe(401);
		expect((await api.post('/v1/user', userCall(anonymousId, {}), bearer(after))).status).toBe(200);
	});

	it('opens a new session once the one held has less than half of sessionTtlMs left (exactly half still serves)', async () => {
		const anonymousId = randomUUID();
		const first = (await identifyAs(api, anonymousId)).body.session;
		time.advance(30 * 60 * 1000);
		expect((await identifyAs(api, anonymousId)).body.session).toEqual(first);
		time.advance(1);
		const renewed = (await identifyAs(api, anonymousId)).body.session;
		expect(renewed.token).not.toBe(first.token);
		expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
	});

	it('opens a new session rather than outlive a shorter-lived hash, or one signed with another key', async () => {
		const anonymousId = randomUUID();
		const first = (await identifyAs(api, anonymousId)).body.session;
		const expiration = new Date(time.now().getTime() + 10 * 60 * 1000).toISOString();
		const shorter = (await identifyAs(api, anonymousId, 'u-reuse', SECRET, expiration)).body.session;
		expect(shorter.token).not.toBe(first.token);
		expect(Date.parse(shorter.expiresAt)).toBeLessThanOrEqual(Date.parse(expiration) + 60_000);
		const otherKey = (await identifyAs(api, anonymousId, 'u-reuse', OLD_SECRET)).body.session;
		expect([first.token, shorter.token]).not.toContain(otherKey.token);
	});

	it('reuses no session with a store that does not declare inProcess: it keeps token hashes only', async () => {
		const store = new MemoryStore();
		const sharing = await serve({store: sharedView(store), now: time.now});
		const anonymousId = randomUUID();
		const first = await identifyAs(sharing as typeof api, anonymousId);
		const again = await identifyAs(sharing as typeof api, anonymousId);
		expect(again.body.session.token).not.toBe(first.body.session.token);
	});
});

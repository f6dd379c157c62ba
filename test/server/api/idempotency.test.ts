import {randomUUID} from 'node:crypto';
import {describe, expect, it, vi} from 'vitest';
import {MemoryStore, signIdentity} from '../../../src/server/index';
import {clock, identifyBody, SECRET, serve, sharedView} from '../support/helpers';

const api = await serve();
const hash = signIdentity('42', SECRET).hash;

describe('one record per user', () => {
	it('updates one record, merging metadata, however many identify calls come', async () => {
		const anonymousId = randomUUID();
		await api.post('/v1/identify', identifyBody({clientToken: 'ct_test', userId: 'u-merge', anonymousId, metadata: {plan: 'free', name: 'Ada'}, hash}));
		await api.post('/v1/identify', identifyBody({userId: 'u-merge', anonymousId, metadata: {plan: 'pro'}}));
		await api.post('/v1/identify', identifyBody({userId: 'u-merge', metadata: {seats: 3}}));
		const records = api.store.users('ct_test').filter((record) => record.userId === 'u-merge');
		expect(records).toHaveLength(1);
		expect(records[0]).toMatchObject({
			metadata: {plan: 'pro', name: 'Ada', seats: 3},
			applied: 3,
			verified: false,
			verification: 'hash_missing',
		});
		expect(records[0].anonymousIds).toHaveLength(2);
		expect(records[0].anonymousIds[0]).toBe(anonymousId);
	});

	it('keeps a bounded list of the anonymous ids a user was seen with', async () => {
		for (let index = 0; index < 25; index += 1) {
			await api.post('/v1/identify', identifyBody({userId: 'u-many', anonymousId: `anon-${index}`}));
		}

		const [record] = api.store.users('ct_test').filter((entry) => entry.userId === 'u-many');
		expect(record.anonymousIds).toHaveLength(20);
		expect(record.anonymousIds.at(-1)).toBe('anon-24');
	});
});

describe('retries', () => {
	it('applies a retried call once and answers it the same, and refuses its messageId with another body (409)', async () => {
		const body = identifyBody({userId: 'u-retry', hash: signIdentity('u-retry', SECRET).hash, metadata: {count: 1}});
		const first = await api.post('/v1/identify', body);
		const second = await api.post('/v1/identify', body);
		const third = await api.post('/v1/identify', {...body, metadata: {count: 2}});
		expect(first.status).toBe(200);
		expect(second.body).toEqual(first.body);
		expect(third.status).toBe(409);
		expect(third.body).toEqual({error: {code: 'message_id_reused', message: expect.any(String)}});
		expect(third.text).not.toContain(first.body.session.token);
		const [record] = api.store.users('ct_test').filter((entry) => entry.userId === 'u-retry');
		expect(record).toMatchObject({applied: 1, metadata: {count: 1}});
		expect(api.store.sessions().filter((session) => session.userId === 'u-retry')).toHaveLength(1);
		expect(api.records().at(-2)).toMatchObject({replayed: true});
	});

	it('applies concurrent copies of one call once', async () => {
		const body = identifyBody({userId: 'u-race'});
		const answers = await Promise.all(Array.from({length: 5}, () => api.post('/v1/identify', body)));
		expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
		const [record] = api.store.users('ct_test').filter((entry) => entry.userId === 'u-race');
		expect(record.applied).toBe(1);
	});

	it('applies calls with new messageIds again', async () => {
		const anonymousId = randomUUID();
		await api.post('/v1/identify', identifyBody({userId: 'u-twice', anonymousId}));
		await api.post('/v1/identify', identifyBody({userId: 'u-twice', anonymousId}));
		const [record] = api.store.users('ct_test').filter((entry) => entry.userId === 'u-twice');
		expect(record.applied).toBe(2);
	});

	it('treats the same messageId from another visitor as another call', async () => {
		const messageId = randomUUID();
		await api.post('/v1/identify', identifyBody({userId: 'u-shared', messageId}));
		await api.post('/v1/identify', identifyBody({userId: 'u-shared', messageId}));
		const [record] = api.store.users('ct_test').filter((entry) => entry.userId === 'u-shared');
		expect(record.applied).toBe(2);
	});

	it('answers a retried logout with its first answer, not 401', async () => {
		const identified = await api.post('/v1/identify', identifyBody({hash}));
		const headers = {Authorization: `Bearer ${identified.body.session.token}`};
		const body = {clientToken: 'ct_test', anonymousId: 'anon-logout', messageId: randomUUID()};
		expect((await api.post('/v1/logout', body, {headers})).body).toEqual({ok: true});
		expect((await api.post('/v1/logout', body, {headers})).body).toEqual({ok: true});
		expect((await api.post('/v1/logout', {...body, messageId: randomUUID()}, {headers})).status).toBe(401);
	});

	it('replays the answer as it was given, even after the app changes the variables object it returned', async () => {
		const shared = {plan: 'pro'};
		const own = await serve({clients: {ct_test: {secrets: [SECRET], variables: () => shared}}});
		const body = identifyBody({hash});
		const first = await own.post('/v1/identify', body);
		shared.plan = 'changed later';
		const retry = await own.post('/v1/identify', body);
		expect(retry.text).toBe(first.text);
		expect(retry.body.variables).toEqual({plan: 'pro'});
	});

	it('remembers answers without a readable session token in a store others can read', async () => {
		// A store that does not declare inProcess: what PostgresStore or any third-party store gets.
		const store = new MemoryStore();
		const sharing = await serve({store: sharedView(store)});
		const body = identifyBody({hash});
		const answer = await sharing.post('/v1/identify', body);
		const everything = JSON.stringify([store.users(), store.sessions(), store.replies()]);
		expect(store.replies().length).toBeGreaterThan(0);
		expect(everything).not.toContain(answer.body.session.token);
		expect(JSON.stringify(store.replies())).not.toContain('verified');
		// And it opens again for the retry: the same answer, applied once.
		expect((await sharing.post('/v1/identify', body)).body).toEqual(answer.body);
		expect(store.users()[0].applied).toBe(1);
	});

	it('keeps answers as their text in a store that declares it lives in this process, and replays them the same', async () => {
		const body = identifyBody({userId: 'u-in-process', hash: signIdentity('u-in-process', SECRET).hash});
		const first = await api.post('/v1/identify', body);
		const retry = await api.post('/v1/identify', body);
		expect(retry.body).toEqual(first.body);
		expect(api.store.inProcess).toBe(true);
		expect(api.store.users().find((record) => record.userId === 'u-in-process')?.applied).toBe(1);
	});
});

// Issue 8, item 5: answers used to be found by the ids alone, so a second
// call reusing them got the first call's answer, session token included.
describe('replay only for the same call', () => {
	it('replays a retry whose sentAt changed, as the SDK sends it', async () => {
		const body = identifyBody({userId: 'u-sent-at', hash});
		const first = await api.post('/v1/identify', body);
		const retry = await api.post('/v1/identify', {...body, sentAt: new Date(Date.now() + 5_000).toISOString()});
		expect(retry.body).toEqual(first.body);
	});

	it('answers 409 to the same ids with another session token, and does not hand out the first answer', async () => {
		const session = async () => (await api.post('/v1/identify', identifyBody({hash}))).body.session.token as string;
		const [mine, theirs] = [await session(), await session()];
		const body = {clientToken: 'ct_test', anonymousId: randomUUID(), metadata: {seat: 1}, messageId: randomUUID()};
		const first = await api.post('/v1/user', body, {headers: {Authorization: `Bearer ${mine}`}});
		expect(first.status).toBe(200);
		const reused = await api.post('/v1/user', body, {headers: {Authorization: `Bearer ${theirs}`}});
		expect(reused.status).toBe(409);
		expect(reused.body.error.code).toBe('message_id_reused');
		expect(reused.text).not.toContain(mine);
	});

	it('answers 409, in memory and in a shared store alike, when the ids come back with any field the API acts on changed', async () => {
		const shared = await serve({store: sharedView(new MemoryStore())});
		const expiration = new Date(Date.now() + 3_600_000).toISOString();
		const base = identifyBody({userId: 'u-fields', hash: signIdentity('u-fields', SECRET, {expiration}).hash, expiration, metadata: {plan: 'pro'}});
		const changes: Array<Record<string, unknown>> = [
			{userId: 'u-fields-2'},
			{hash: signIdentity('u-fields', SECRET).hash, expiration: undefined},
			{expiration: new Date(Date.now() + 7_200_000).toISOString()},
			{hash: undefined, expiration: undefined, token: 'a.b.c'},
			{metadata: {plan: 'enterprise'}},
			{metadata: undefined},
		];
		for (const server of [api, shared]) {
			for (const change of changes) {
				const body = {...base, anonymousId: randomUUID(), messageId: randomUUID()};
				expect((await server.post('/v1/identify', body)).status).toBe(200);
				const reused = await server.post('/v1/identify', {...body, ...change});
				expect(reused.status, JSON.stringify(change)).toBe(409);
				expect(reused.body.error.code).toBe('message_id_reused');
			}
		}
	});

	it('forgets answers after replyTtlMs: the same call is then applied again', async () => {
		const time = clock();
		const short = await serve({now: time.now, replyTtlMs: 60_000});
		const body = identifyBody({userId: 'u-ttl'});
		await short.post('/v1/identify', body);
		time.advance(59_999);
		expect((await short.post('/v1/identify', body)).status).toBe(200);
		expect(short.store.users()[0].applied).toBe(1);
		time.advance(1);
		await short.post('/v1/identify', body);
		expect(short.store.users()[0].applied).toBe(2);
	});

	it('answers a copy that reaches another instance while the first runs with the first answer, applied once', async () => {
		const store = new MemoryStore();
		let release = () => {};
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		const slow = {ct_test: {secrets: [SECRET], variables: async () => (await gate, {plan: 'pro'})}};
		const [first, second] = [await serve({store, clients: slow}), await serve({store, clients: slow})];
		const body = identifyBody({userId: 'u-instances', hash: signIdentity('u-instances', SECRET).hash});
		const running = first.post('/v1/identify', body);
		await vi.waitFor(() => expect(store.replies()).toHaveLength(1));
		const copy = second.post('/v1/identify', body);
		setTimeout(release, 200);
		const [a, b] = await Promise.all([running, copy]);
		expect(a.status).toBe(200);
		expect(b.body).toEqual(a.body);
		expect(store.users()[0].applied).toBe(1);
		expect(store.sessions()).toHaveLength(1);
	});
});

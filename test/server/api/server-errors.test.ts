import {randomUUID} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {type IdentityStore, MemoryStore, signIdentity} from '../../../src/server/index';
import {identifyBody, SECRET, serve} from '../support/helpers';

// A store whose writes fail with an error that quotes what it was given,
// as some database drivers do: the log must still not show a secret.
class FailingStore extends MemoryStore implements IdentityStore {
	failing = false;
	override mergeUser(change: Parameters<MemoryStore['mergeUser']>[0]): ReturnType<MemoryStore['mergeUser']> {
		if (this.failing) {
			throw new Error(`write failed for ${JSON.stringify(change)} with key ${SECRET}`);
		}

		return super.mergeUser(change);
	}
}

const store = new FailingStore();
const api = await serve({
	store,
	clients: {
		ct_test: {secrets: [SECRET]},
		ct_throws: {
			secrets: [SECRET],
			variables: () => {
				throw new Error(`variables exploded near ${SECRET}`);
			},
		},
		ct_bad_variables: {secrets: [SECRET], variables: () => [1, 2] as unknown as Record<string, unknown>},
		ct_async: {secrets: [SECRET], variables: async (userId) => ({vip: userId === '42'})},
		// A promise library's thenable, not a native Promise.
		ct_thenable: {
			secrets: [SECRET],
			variables: (userId) => ({then: (resolve: (value: Record<string, unknown>) => void) => setTimeout(() => resolve({tier: `gold-${userId}`}), 5)}) as unknown as Promise<Record<string, unknown>>,
		},
	},
});
const hash = signIdentity('42', SECRET).hash;

describe('unexpected failures', () => {
	it('answers 500 server_error without details when variables() throws, and logs it without the secret', async () => {
		const answer = await api.post('/v1/identify', identifyBody({clientToken: 'ct_throws', hash}));
		expect(answer.status).toBe(500);
		expect(answer.body).toEqual({error: {code: 'server_error', message: expect.any(String)}});
		expect(answer.text).not.toContain('exploded');
		expect(api.records().at(-1)).toMatchObject({level: 'error', route: 'identify', status: 500, outcome: 'server_error', cause: expect.stringContaining('variables exploded near [redacted]')});
		expect(api.logs.at(-1)).not.toContain(SECRET);
	});

	it('answers 500 when variables() answers something that is not an object', async () => {
		expect((await api.post('/v1/identify', identifyBody({clientToken: 'ct_bad_variables', hash}))).status).toBe(500);
	});

	it('awaits asynchronous variables', async () => {
		const answer = await api.post('/v1/identify', identifyBody({clientToken: 'ct_async', hash}));
		expect(answer.body.variables).toEqual({vip: true});
	});

	it('awaits variables answered as a thenable that is not a native Promise', async () => {
		const answer = await api.post('/v1/identify', identifyBody({clientToken: 'ct_thenable', hash}));
		expect(answer.status).toBe(200);
		expect(answer.body.variables).toEqual({tier: 'gold-42'});
	});

	it('answers 503 store_unavailable with Retry-After when the store fails, keeps the key out of the log, and applies the retry afterwards', async () => {
		const body = identifyBody({hash, userId: '42', anonymousId: randomUUID()});
		store.failing = true;
		const failed = await api.post('/v1/identify', body);
		expect(failed.status).toBe(503);
		expect(failed.body).toEqual({error: {code: 'store_unavailable', message: expect.any(String)}});
		expect(Number(failed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(failed.text).not.toContain('write failed');
		expect(api.records().at(-1)).toMatchObject({level: 'error', status: 503, outcome: 'store_unavailable'});
		expect(api.logs.at(-1)).not.toContain(SECRET);
		store.failing = false;
		const retried = await api.post('/v1/identify', body);
		expect(retried.status).toBe(200);
		expect(retried.body.verified).toBe(true);
	});

	it('does not call variables() for an unverified call', async () => {
		const answer = await api.post('/v1/identify', identifyBody({clientToken: 'ct_throws'}));
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({verified: false, variables: {}});
	});
});

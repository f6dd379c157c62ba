// /healthz and /readyz (SPEC §7) over real HTTP: liveness always, readiness
// only while the store answers.
import {describe, expect, it} from 'vitest';
import {createIdentityHandler, type IdentityStore, MemoryStore, startServer} from '../../../src/server/index';
import {SECRET} from '../support/helpers';

async function serveWith(store: IdentityStore) {
	const server = await startServer(createIdentityHandler({clients: {ct_test: {secrets: [SECRET]}}, store}));
	const get = async (path: string, method = 'GET') => {
		const response = await fetch(server.url + path, {method});
		return {status: response.status, headers: response.headers, body: method === 'HEAD' ? undefined : await response.json()};
	};

	return {get, close: () => server.close()};
}

// A MemoryStore whose ping fails as a store that lost its database would, or never answers.
function storeWhosePing(ping: () => unknown): MemoryStore {
	const store = new MemoryStore();
	Object.defineProperty(store, 'ping', {value: ping});
	return store;
}

describe('health checks', () => {
	it('answers /healthz and /readyz 200 while the store answers, to GET and HEAD, without a credential', async () => {
		const api = await serveWith(new MemoryStore());
		try {
			expect(await api.get('/healthz')).toMatchObject({status: 200, body: {status: 'ok'}});
			expect(await api.get('/readyz')).toMatchObject({status: 200, body: {status: 'ready'}});
			expect((await api.get('/api/readyz', 'HEAD')).status).toBe(200);
			expect(await api.get('/readyz', 'POST')).toMatchObject({status: 405});
		} finally {
			await api.close();
		}
	});

	it('answers /readyz 503 with Retry-After while the store fails, and /healthz 200 all the same', async () => {
		const api = await serveWith(
			storeWhosePing(() => {
				throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
			}),
		);
		try {
			const ready = await api.get('/readyz');
			expect(ready).toMatchObject({status: 503, body: {error: {code: 'store_unavailable'}}});
			expect(ready.headers.get('retry-after')).toBe('2');
			expect(JSON.stringify(ready.body)).not.toContain('ECONNREFUSED');
			expect((await api.get('/healthz')).status).toBe(200);
		} finally {
			await api.close();
		}
	});

	it('answers /readyz 503 when the store does not answer in time, rather than hanging with it', async () => {
		const api = await serveWith(storeWhosePing(() => new Promise(() => {})));
		try {
			expect((await api.get('/readyz')).status).toBe(503);
		} finally {
			await api.close();
		}
	});
});

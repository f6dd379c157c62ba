// /readyz follows PostgreSQL: 503 while the database is stopped, 200 again
// once it is back, without restarting the API.
import {afterAll, beforeAll, expect, it} from 'vitest';
import {createIdentityHandler, startServer} from '../../../../src/server/index';
import {PostgresStore} from '../../../../src/server/store/postgres/index';
import {describePostgres, type PostgresCluster, startPostgres} from '../../../support/postgres';

describePostgres('/readyz on PostgreSQL', () => {
	let cluster: PostgresCluster;
	let store: PostgresStore;
	let server: Awaited<ReturnType<typeof startServer>>;
	beforeAll(async () => {
		cluster = await startPostgres();
		store = new PostgresStore({connectionString: await cluster.createDatabase()}, {sweepIntervalMs: 0});
		await store.migrate();
		server = await startServer(createIdentityHandler({clients: {ct_test: {secrets: ['sk_test_readyz_hash_key_0123456789abcdef']}}, store}));
	});
	afterAll(async () => {
		await server?.close();
		await store?.close();
		await cluster?.remove();
	});

	const ready = async () => (await fetch(`${server.url}/readyz`)).status;

	it('answers 503 while PostgreSQL is stopped and 200 once it is back', async () => {
		expect(await ready()).toBe(200);
		await cluster.stop();
		expect(await ready()).toBe(503);
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
		await cluster.start();
		// The pool drops its dead connections and connects anew: bounded in tries, not timed.
		let status = await ready();
		for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
			await new Promise((resolve) => setTimeout(resolve, 200));
			status = await ready();
		}

		expect(status).toBe(200);
	});
});

// A stuck database never holds a call: a row lock held by another session
// becomes a 503 with Retry-After (lock_timeout on the pool's sessions), and
// a call cut off by a database restart after its claim can be retried as
// soon as the database is back, not 30 s later.
import {randomUUID} from 'node:crypto';
import pg from 'pg';
import {expect, it} from 'vitest';
import {createIdentityHandler, signIdentity} from '../../../../src/server/index';
import {describePostgres} from '../../../support/postgres';
import {usePostgresStore} from '../../../support/postgres-store';

const SECRET = 'sk_test_timeouts_8Kd3_0123456789abcdefghij';
const CLIENT = 'ct_timeouts';
// A frozen clock: a claim never grows 30 s old, so only the database's
// restart can free it.
const NOW = new Date('2026-12-07T12:00:00.000Z');

describePostgres('PostgresStore timeouts', () => {
	const db = usePostgresStore();

	const caller = (handler: ReturnType<typeof createIdentityHandler>) => async (body: Record<string, unknown>) => {
		const response = await handler(new Request('http://api.test/v1/identify', {method: 'POST', body: JSON.stringify(body)}), {clientIp: '203.0.113.7'});
		return {status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json()};
	};

	it('answers 503 with Retry-After while another session holds the user row locked, and 200 once it lets go', async () => {
		const call = caller(createIdentityHandler({clients: {[CLIENT]: {secrets: [SECRET], enforce: true}}, store: db.store, now: () => NOW}));
		const identify = (metadata: Record<string, unknown>) => ({clientToken: CLIENT, anonymousId: 'anon-locked', messageId: randomUUID(), metadata, ...signIdentity('locked-user', SECRET)});
		expect((await call(identify({plan: 'free'}))).status).toBe(200);

		const holder = new pg.Client({connectionString: db.connectionString});
		await holder.connect();
		try {
			await holder.query('BEGIN');
			await holder.query("SELECT 1 FROM signet_users WHERE client_token = $1 AND user_id = 'locked-user' FOR UPDATE", [CLIENT]);
			// The lock is still held when the answer comes: the call did not wait for it.
			const stuck = await call(identify({plan: 'pro'}));
			expect(stuck).toMatchObject({status: 503, body: {error: {code: 'store_unavailable'}}});
			expect(Number(stuck.retryAfter)).toBeGreaterThanOrEqual(1);
			await holder.query('ROLLBACK');
		} finally {
			await holder.end();
		}

		expect((await call(identify({plan: 'pro'}))).status).toBe(200);
		expect((await db.store.getUser(CLIENT, 'locked-user'))?.metadata).toEqual({plan: 'pro'});
	});

	it('lets the retry of a call cut off by a restart after its claim through as soon as the database is back, applied once', async () => {
		let stopping = true;
		const clients = {
			[CLIENT]: {
				secrets: [SECRET],
				enforce: true,
				// The first call stops the database after its claim, before its writes.
				variables: async () => {
					if (stopping) {
						stopping = false;
						await db.cluster.stop();
					}

					return {};
				},
			},
		};
		const call = caller(createIdentityHandler({clients, store: db.store, now: () => NOW}));
		const body = {clientToken: CLIENT, anonymousId: randomUUID(), messageId: randomUUID(), metadata: {cut: true}, ...signIdentity('cut-user', SECRET)};
		expect((await call(body)).status).toBe(503);
		await db.cluster.start();

		// The pool drops its dead connections first (503 store_unavailable);
		// a claim still held would answer 503 after 5 s of waiting, each try.
		let retry = await call(body);
		for (let attempt = 0; attempt < 20 && retry.status === 503 && retry.body.error.code === 'store_unavailable'; attempt++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			retry = await call(body);
		}

		expect(retry.status).toBe(200);
		expect(await db.store.getUser(CLIENT, 'cut-user')).toMatchObject({applied: 1, metadata: {cut: true}});
	}, 60_000);
});

// A call that changes nothing writes nothing durable: the rows PostgreSQL
// inserted, updated and deleted per table (pg_stat_user_tables), before
// and after, on the one connection the store uses, whose statistics are
// flushed on demand (pg_stat_force_next_flush, PostgreSQL 15).
import {randomUUID} from 'node:crypto';
import pg from 'pg';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {createIdentityHandler, signIdentity, type UserChange} from '../../../../src/server/index';
import {PostgresStore} from '../../../../src/server/store/postgres/index';
import {describePostgres, type PostgresCluster, startPostgres} from '../../../support/postgres';

const T0 = new Date('2026-12-07T12:00:00.000Z');

describePostgres('PostgresStore writes only what changes', () => {
	let cluster: PostgresCluster;
	let pool: pg.Pool;
	let store: PostgresStore;
	beforeAll(async () => {
		cluster = await startPostgres();
		// One connection that never closes: its statistics are the store's, flushed when asked.
		pool = new pg.Pool({connectionString: await cluster.createDatabase(), max: 1, idleTimeoutMillis: 0});
		store = new PostgresStore({pool}, {sweepIntervalMs: 0});
		await store.migrate();
	});
	afterAll(async () => {
		await store?.close();
		await pool?.end();
		await cluster?.remove();
	});

	// Rows inserted, updated and deleted so far in each durable (logged) signet_ table, by `on`'s connection.
	const writes = async (on = pool): Promise<Record<string, number>> => {
		await on.query('SELECT pg_stat_force_next_flush()');
		const {rows} = await on.query(`SELECT s.relname, s.n_tup_ins + s.n_tup_upd + s.n_tup_del AS n FROM pg_stat_user_tables AS s
			JOIN pg_class AS c ON c.oid = s.relid WHERE c.relpersistence = 'p' AND s.relname LIKE 'signet\\_%' ORDER BY 1`);
		return Object.fromEntries(rows.map((row) => [row.relname, Number(row.n)]));
	};
	const change = (fields: Partial<UserChange>): UserChange => ({
		clientToken: 'ct_quiet',
		userId: 'ada',
		anonymousId: 'anon-1',
		metadata: {plan: 'pro'},
		verification: 'ok',
		now: T0,
		maxMetadataBytes: 16_384,
		...fields,
	});

	it('writes a user record again only when the call would change it', async () => {
		await store.mergeUser(change({}));
		const before = await writes();
		for (let call = 1; call <= 20; call++) {
			expect(await store.mergeUser(change({now: new Date(T0.getTime() + call * 1000)}))).toMatchObject({ok: true, record: {metadata: {plan: 'pro'}, applied: 1}});
		}

		expect(await writes()).toEqual(before);
		// Another visitor, other metadata: each is written.
		await store.mergeUser(change({anonymousId: 'anon-2'}));
		await store.mergeUser(change({anonymousId: 'anon-2', metadata: {plan: 'team'}}));
		expect((await writes()).signet_users).toBe(before.signet_users + 2);
		expect(await store.getUser('ct_quiet', 'ada')).toMatchObject({metadata: {plan: 'team'}, anonymousIds: ['anon-1', 'anon-2'], applied: 3});
	});

	it('still counts an unsigned call on a verified record, and applies the last call again after a version 4 instance changed the record', async () => {
		await store.mergeUser(change({userId: 'bea'}));
		await store.mergeUser(change({userId: 'bea', verification: 'hash_missing'}));
		await store.mergeUser(change({userId: 'bea', verification: 'hash_missing'}));
		expect(await store.getUser('ct_quiet', 'bea')).toMatchObject({unverifiedCalls: 2, applied: 1});
		// A version 4 instance applies other metadata: it counts, and leaves the digest as it was.
		await pool.query(`UPDATE signet_users SET metadata = '{"plan": "free"}', applied = applied + 1 WHERE client_token = 'ct_quiet' AND user_id = 'bea'`);
		await store.mergeUser(change({userId: 'bea'}));
		expect(await store.getUser('ct_quiet', 'bea')).toMatchObject({metadata: {plan: 'pro'}, applied: 3});
	});

	it('counts outcomes in memory, written for every instance every outcomeFlushMs in one statement, and by close()', async () => {
		const connectionString = await cluster.createDatabase();
		const a = new PostgresStore({connectionString}, {sweepIntervalMs: 0, outcomeFlushMs: 50});
		const b = new PostgresStore({connectionString}, {sweepIntervalMs: 0});
		await a.migrate();
		try {
			for (let call = 0; call < 30; call++) {
				a.recordOutcome({clientToken: 'ct_counted', userId: `u${call}`, code: call % 3 === 0 ? 'hash_invalid' : 'ok', at: T0});
			}

			// B reads what A wrote: bounded in looks, not timed.
			let seen = await b.readiness('ct_counted', T0);
			for (let look = 0; look < 100 && seen.total < 30; look++) {
				await new Promise((resolve) => setTimeout(resolve, 20));
				seen = await b.readiness('ct_counted', T0);
			}

			expect(seen).toMatchObject({total: 30, byCode: {ok: 20, hash_invalid: 10}});
			expect(seen.recentFailures).toHaveLength(10);
			// An instance whose timer would write in an hour: only close() writes its count.
			const c = new PostgresStore({connectionString}, {sweepIntervalMs: 0, outcomeFlushMs: 3_600_000});
			c.recordOutcome({clientToken: 'ct_counted', userId: 'last', code: 'ok', at: T0});
			expect((await b.readiness('ct_counted', T0)).total).toBe(30);
			await c.close();
			expect((await b.readiness('ct_counted', T0)).total).toBe(31);
		} finally {
			await a.close();
			await b.close();
		}
	});

	it('writes nothing durable for a batch of page reloads through the API, but the periodic outcome count', async () => {
		const secret = 'sk_test_quiet_writes_0123456789abcdefghij';
		const own = new pg.Pool({connectionString: await cluster.createDatabase(), max: 1, idleTimeoutMillis: 0});
		const quiet = new PostgresStore({pool: own}, {sweepIntervalMs: 0, outcomeFlushMs: 3_600_000});
		await quiet.migrate();
		const handler = createIdentityHandler({clients: {ct_reload: {secrets: [secret], enforce: true}}, store: quiet});
		const visitors = Array.from({length: 10}, (_, index) => ({userId: `reader-${index}`, anonymousId: randomUUID()}));
		const load = async ({userId, anonymousId}: {userId: string; anonymousId: string}) => {
			const body = {clientToken: 'ct_reload', anonymousId, messageId: randomUUID(), metadata: {plan: 'pro', seats: 3}, ...signIdentity(userId, secret)};
			const response = await handler(new Request('http://api.test/v1/identify', {method: 'POST', body: JSON.stringify(body)}), {clientIp: '203.0.113.5'});
			return (await response.json()) as {session: {token: string}};
		};
		try {
			const first = await Promise.all(visitors.map(load));
			await quiet.readiness('ct_reload', T0);
			const before = await writes(own);
			// Three more page loads per visitor, some at once: each answered the session it holds.
			for (let round = 0; round < 3; round++) {
				expect((await Promise.all(visitors.map(load))).map((answer) => answer.session.token)).toEqual(first.map((answer) => answer.session.token));
			}

			expect(await writes(own)).toEqual(before);
			// The counts of those 30 calls go in one write, to one bucket row.
			expect((await quiet.readiness('ct_reload', T0)).byCode).toEqual({ok: 40});
			expect(await writes(own)).toEqual({...before, signet_outcome_counts: before.signet_outcome_counts + 1});
		} finally {
			await quiet.close();
			await own.end();
		}
	});
});

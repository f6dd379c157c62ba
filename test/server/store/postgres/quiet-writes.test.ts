// A call that changes nothing writes nothing durable: the rows PostgreSQL
// inserted, updated and deleted per table (pg_stat_user_tables), before
// and after, on the one connection the store uses, whose statistics are
// flushed on demand (pg_stat_force_next_flush, PostgreSQL 15).
import pg from 'pg';
import {afterAll, beforeAll, expect, it} from 'vitest';
import type {UserChange} from '../../../../src/server/index';
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

	// Rows inserted, updated and deleted so far in each durable (logged) signet_ table.
	const writes = async (): Promise<Record<string, number>> => {
		await pool.query('SELECT pg_stat_force_next_flush()');
		const {rows} = await pool.query(`SELECT s.relname, s.n_tup_ins + s.n_tup_upd + s.n_tup_del AS n FROM pg_stat_user_tables AS s
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
});

// Concurrent calls share statements (src/server/store/postgres/batches.ts): what
// a busy API gains from it, and what each call keeps as if it had run
// alone (its own answer, its own count, its own failure), against a real
// PostgreSQL.
import pg from 'pg';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {PostgresStore} from '../../../../src/server/store/postgres/index';
import type {PostgresPool, PostgresQuery} from '../../../../src/server/store/postgres/pool';
import type {UserChange} from '../../../../src/server/store/store';
import {describePostgres, type PostgresCluster, startPostgres} from '../../../support/postgres';

const T0 = new Date('2026-11-21T12:00:00.000Z');
const change = (userId: string, fields: Partial<UserChange> = {}): UserChange => ({
	clientToken: 'ct',
	userId,
	anonymousId: `anon-${userId}`,
	verification: 'ok',
	now: T0,
	maxMetadataBytes: 16_384,
	...fields,
});

// A pg.Pool that counts the statements it is asked to run, and keeps the
// SQLSTATE of each that failed.
function countingPool(connectionString: string): PostgresPool & {statements: number; failures: string[]} {
	const pool = new pg.Pool({connectionString});
	return {
		statements: 0,
		failures: [],
		query(query: PostgresQuery) {
			this.statements++;
			return pool.query(query).catch((error: {code?: string}) => {
				this.failures.push(error.code ?? 'none');
				throw error;
			});
		},
		connect: () => pool.connect(),
		end: () => pool.end(),
	};
}

describePostgres('PostgresStore under concurrent calls', () => {
	let cluster: PostgresCluster;
	beforeAll(async () => {
		cluster = await startPostgres();
	});
	afterAll(async () => {
		await cluster?.remove();
	});

	it('runs 250 simultaneous merges in a few statements, each answered with its own record, none lost', async () => {
		const pool = countingPool(await cluster.createDatabase());
		const store = new PostgresStore({pool}, {sweepIntervalMs: 0});
		try {
			await store.migrate();
			pool.statements = 0;
			// 200 users once each, and one user 50 times: an upsert changes a row
			// once per statement, so those 50 go in 50 statements' turns.
			const calls = [
				...Array.from({length: 200}, (_, index) => change(`u${index}`, {metadata: {n: index}})),
				...Array.from({length: 50}, (_, index) => change('busy', {metadata: {[`k${index}`]: index}})),
			];
			const results = await Promise.all(calls.map((call) => store.mergeUser(call)));
			expect(pool.statements).toBeLessThan(100);
			results.slice(0, 200).forEach((result, index) => expect(result).toMatchObject({ok: true, record: {userId: `u${index}`, metadata: {n: index}, applied: 1}}));
			const busy = await store.getUser('ct', 'busy');
			expect(busy?.applied).toBe(50);
			expect(Object.keys(busy!.metadata)).toHaveLength(50);
		} finally {
			await store.close();
			await pool.end();
		}
	});

	it('counts 300 simultaneous calls on shared and own keys as if they ran one by one, each window apart', async () => {
		const store = new PostgresStore({connectionString: await cluster.createDatabase()}, {sweepIntervalMs: 0});
		try {
			await store.migrate();
			// The last 100 calls fall in the next window of 60 s.
			const counts = await Promise.all(
				Array.from({length: 300}, (_, index) => store.countCalls(['ip', `visitor-${index % 3}`], 60_000, new Date(T0.getTime() + (index < 200 ? 0 : 60_000)))),
			);
			const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
			const upTo = (n: number) => Array.from({length: n}, (_, index) => index + 1);
			expect(sorted(counts.slice(0, 200).map(([ip]) => ip))).toEqual(upTo(200));
			expect(sorted(counts.slice(200).map(([ip]) => ip))).toEqual(upTo(100));
			for (const visitor of [0, 1, 2]) {
				const own = counts.filter((_, index) => index < 200 && index % 3 === visitor).map(([, count]) => count);
				expect(sorted(own)).toEqual(upTo(own.length));
			}
		} finally {
			await store.close();
		}
	});

	it('fails only the call PostgreSQL refuses, not the calls that shared its statement', async () => {
		const store = new PostgresStore({connectionString: await cluster.createDatabase()}, {sweepIntervalMs: 0});
		try {
			await store.migrate();
			// PostgreSQL text cannot hold U+0000 (the API refuses such an id before
			// the store; a store used directly may still be handed one).
			const calls = Array.from({length: 40}, (_, index) => change(index === 17 ? 'bad\u0000id' : `u${index}`));
			const results = await Promise.allSettled(calls.map((call) => store.mergeUser(call)));
			expect(results.filter((result) => result.status === 'rejected')).toHaveLength(1);
			expect(results[17].status).toBe('rejected');
			expect((await store.getUser('ct', 'u39'))?.applied).toBe(1);
			expect((await store.getUser('ct', 'u0'))?.applied).toBe(1);
		} finally {
			await store.close();
		}
	});

	it('lets two instances merge the same users in opposite orders at once without a deadlock', async () => {
		const connectionString = await cluster.createDatabase();
		const pools = [countingPool(connectionString), countingPool(connectionString)];
		const stores = pools.map((pool) => new PostgresStore({pool}, {sweepIntervalMs: 0}));
		try {
			await stores[0].migrate();
			// Fewer than a statement holds, so both instances' statements carry them all.
			const users = Array.from({length: 60}, (_, index) => `u${index}`);
			for (let round = 0; round < 10; round++) {
				await Promise.all([
					...users.map((user) => stores[0].mergeUser(change(user, {metadata: {[`a${round}`]: 1}}))),
					...[...users].reverse().map((user) => stores[1].mergeUser(change(user, {metadata: {[`b${round}`]: 1}}))),
				]);
			}

			for (const user of users) {
				expect((await stores[0].getUser('ct', user))?.applied).toBe(20);
			}

			// A deadlock would still end well (its calls run again one by one), after PostgreSQL's second of waiting.
			expect(pools.flatMap((pool) => pool.failures)).toEqual([]);
		} finally {
			await Promise.all(stores.map((store) => store.close()));
			await Promise.all(pools.map((pool) => pool.end()));
		}
	});
});

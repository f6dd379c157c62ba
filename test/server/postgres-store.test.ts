// The store contract against a real PostgreSQL (a throwaway cluster); then
// what only PostgreSQL has: migrations from several processes at once, a
// pool of yours, the sweep timer.
import fc from 'fast-check';
import pg from 'pg';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {PostgresStore} from '../../src/server/postgres/index';
import {describePostgres, type PostgresCluster, startPostgres} from '../support/postgres';
import {describeStoreContract} from './store-contract';

describePostgres('PostgresStore', () => {
	let cluster: PostgresCluster;
	let store: Promise<PostgresStore> | undefined;
	beforeAll(async () => {
		cluster = await startPostgres();
	});
	afterAll(async () => {
		await (await store)?.close();
		await cluster?.remove();
	});

	// One store for the whole suite: each contract test uses its own client token.
	describeStoreContract('PostgresStore', () => {
		store ??= cluster.createDatabase().then(async (connectionString) => {
			const created = new PostgresStore({connectionString});
			await created.migrate();
			return created;
		});
		return store;
	});

	// What only PostgreSQL has, on the same cluster (a database each).
	it('migrates once when eight processes start at the same moment, and again on every later start', async () => {
		const connectionString = await cluster.createDatabase();
		const stores = Array.from({length: 8}, () => new PostgresStore({connectionString}, {sweepIntervalMs: 0}));
		try {
			await Promise.all(stores.map((store) => store.migrate()));
			await stores[0].migrate();
			const pool = new pg.Pool({connectionString});
			const {rows} = await pool.query('SELECT version FROM signet_schema_versions');
			await pool.end();
			expect(rows.map((row) => row.version)).toEqual([1]);
			expect((await stores[3].mergeUser({clientToken: 'ct', userId: 'u', anonymousId: 'a', verification: 'ok', now: new Date(), maxMetadataBytes: 100})).ok).toBe(true);
		} finally {
			await Promise.all(stores.map((store) => store.close()));
		}
	});

	it('uses a pool it is given and leaves it open on close', async () => {
		const pool = new pg.Pool({connectionString: await cluster.createDatabase()});
		const store = new PostgresStore({pool}, {sweepIntervalMs: 0});
		await store.migrate();
		await store.close();
		await store.close();
		expect((await pool.query('SELECT count(*)::int AS n FROM signet_users')).rows[0].n).toBe(0);
		await pool.end();
	});

	it('sweeps expired rows on its own timer, which close() stops', async () => {
		const connectionString = await cluster.createDatabase();
		const store = new PostgresStore({connectionString}, {sweepIntervalMs: 20});
		await store.migrate();
		const past = new Date(Date.now() - 60_000).toISOString();
		await store.putSession({tokenHash: 'a'.repeat(64), clientToken: 'ct', userId: 'u', anonymousId: 'a', keyId: 'k', createdAt: past, expiresAt: past});
		// Bounded: 100 looks, 50 ms apart.
		for (let look = 0; look < 100 && (await store.getSession('a'.repeat(64))) !== undefined; look++) {
			await new Promise((resolve) => setTimeout(resolve, 50));
		}

		expect(await store.getSession('a'.repeat(64))).toBeUndefined();
		await store.close();
		await expect(store.getSession('a'.repeat(64))).rejects.toThrow();
	});

	it('measures merged metadata exactly as JSON.stringify does: any text, escapes, nesting and integers fit at their size and not a byte under', async () => {
		const store = new PostgresStore({connectionString: await cluster.createDatabase()}, {sweepIntervalMs: 0});
		await store.migrate();
		// Strings of any characters JSON must escape or PostgreSQL can store
		// (U+0000 is refused before any store), keys included.
		const text = fc.string({unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0001', '\u007f', ' ', ':', ','), fc.string({unit: 'grapheme', maxLength: 1}))}).filter((value) => !value.includes('\u0000'));
		const value = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, {maxLength: 3}), fc.dictionary(text, fc.integer(), {maxKeys: 3}));
		let user = 0;
		try {
			await fc.assert(
				fc.asyncProperty(fc.dictionary(text, value, {maxKeys: 6}), async (metadata) => {
					const limit = Buffer.byteLength(JSON.stringify(metadata));
					const change = {clientToken: 'ct', userId: `p${user++}`, anonymousId: 'a', metadata, verification: 'ok' as const, now: new Date()};
					expect(await store.mergeUser({...change, maxMetadataBytes: limit - 1})).toEqual({ok: false, reason: 'metadata_too_large'});
					expect(await store.mergeUser({...change, maxMetadataBytes: limit})).toMatchObject({ok: true, record: {metadata}});
				}),
				{numRuns: 60},
			);
		} finally {
			await store.close();
		}
	});

	it('refuses a connection it cannot use with a clear error', () => {
		expect(() => new PostgresStore({} as never)).toThrow('PostgresStore needs {connectionString} or {pool}');
	});
});

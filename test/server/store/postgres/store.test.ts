// The store contract against a real PostgreSQL (a throwaway cluster); then
// what only PostgreSQL has: migrations from several processes at once, a
// pool of yours, the sweep timer.
import fc from 'fast-check';
import pg from 'pg';
import {expect, it} from 'vitest';
import {PostgresStore} from '../../../../src/server/store/postgres/index';
import {MIGRATIONS} from '../../../../src/server/store/postgres/migrations';
import {RECORD_OUTCOMES} from '../../../../src/server/store/postgres/statements/outcomes';
import {describePostgres} from '../../../support/postgres';
import {usePostgresStore} from '../../../support/postgres-store';
import {describeStoreContract} from '../../support/store-contract';

describePostgres('PostgresStore', () => {
	// One store for the whole suite: each contract test uses its own client token.
	const db = usePostgresStore();
	describeStoreContract('PostgresStore', () => db.store);

	// What only PostgreSQL has, on the same cluster (a database each).
	it('migrates once when eight processes start at the same moment, and again on every later start', async () => {
		const connectionString = await db.cluster.createDatabase();
		const stores = Array.from({length: 8}, () => new PostgresStore({connectionString}, {sweepIntervalMs: 0}));
		try {
			await Promise.all(stores.map((store) => store.migrate()));
			await stores[0].migrate();
			const pool = new pg.Pool({connectionString});
			const {rows} = await pool.query('SELECT version FROM signet_schema_versions');
			await pool.end();
			expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((step) => step.version));
			expect((await stores[3].mergeUser({clientToken: 'ct', userId: 'u', anonymousId: 'a', verification: 'ok', now: new Date(), maxMetadataBytes: 100})).ok).toBe(true);
		} finally {
			await Promise.all(stores.map((store) => store.close()));
		}
	});

	it('upgrades a schema version 2 database with users through version 3 losing no row, then sweeps its records never verified by unverifiedRetentionHours', async () => {
		const connectionString = await db.cluster.createDatabase();
		const pool = new pg.Pool({connectionString});
		const store = new PostgresStore({pool}, {sweepIntervalMs: 0, unverifiedRetentionHours: 1});
		try {
			// A database as version 2 of this code left it, with a verified and an unverified user.
			await pool.query('CREATE TABLE signet_schema_versions (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
			for (const step of MIGRATIONS.filter(({version}) => version <= 2)) {
				await pool.query(step.sql);
				await pool.query('INSERT INTO signet_schema_versions (version) VALUES ($1)', [step.version]);
			}

			const created = new Date('2026-11-21T12:00:00.000Z');
			// As version 2 wrote them: the store of this code writes columns of later versions.
			const user = (userId: string, verified: boolean) =>
				pool.query(`INSERT INTO signet_users VALUES ('ct', $1, '{"n": 1}', '{}', '{a}', $2, $3, $4, 0, $5, $5, 1)`, [userId, verified, verified ? 'ok' : 'hash_missing', verified ? created : null, created]);
			await user('kept', true);
			await user('legacy', false);
			const before = (await pool.query('SELECT * FROM signet_users ORDER BY user_id')).rows;
			await store.migrate();
			// Every row as it was, in the columns it had (version 5 adds one).
			expect((await pool.query('SELECT * FROM signet_users ORDER BY user_id')).rows.map((row) => Object.fromEntries(Object.keys(before[0]).map((column) => [column, row[column]])))).toEqual(before);
			// Through version 3 to the newest: later steps (the registry's tables) touch no user row either.
			expect((await pool.query('SELECT version FROM signet_schema_versions ORDER BY version')).rows.map((row) => row.version)).toEqual(MIGRATIONS.map((step) => step.version));
			expect((await pool.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'signet_users_unverified'`)).rows[0].indexdef).toMatch(/WHERE \(verified_at IS NULL\)/);
			await store.sweep(new Date(created.getTime() + 3_600_000 - 1));
			expect(await store.getUser('ct', 'legacy')).toBeDefined();
			await store.sweep(new Date(created.getTime() + 3_600_000 + 1));
			expect(await store.getUser('ct', 'legacy')).toBeUndefined();
			expect(await store.getUser('ct', 'kept')).toMatchObject({verified: true, metadata: {n: 1}});
		} finally {
			await store.close();
			await pool.end();
		}
	});

	it('uses a pool it is given and leaves it open on close', async () => {
		const pool = new pg.Pool({connectionString: await db.cluster.createDatabase()});
		const store = new PostgresStore({pool}, {sweepIntervalMs: 0});
		await store.migrate();
		await store.close();
		await store.close();
		expect((await pool.query('SELECT count(*)::int AS n FROM signet_users')).rows[0].n).toBe(0);
		await pool.end();
	});

	it('sweeps expired rows on its own timer, which close() stops', async () => {
		const connectionString = await db.cluster.createDatabase();
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
		const store = new PostgresStore({connectionString: await db.cluster.createDatabase()}, {sweepIntervalMs: 0});
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

	it('counts an outcome while another transaction holds the same bucket uncommitted, instead of waiting for it', async () => {
		const connectionString = await db.cluster.createDatabase();
		const store = new PostgresStore({connectionString}, {sweepIntervalMs: 0});
		await store.migrate();
		const other = new pg.Client({connectionString});
		await other.connect();
		const now = new Date();
		const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
		try {
			// Another instance, mid-identify: its count of (ct, this hour, ok) is not committed yet.
			await other.query('BEGIN');
			await other.query(RECORD_OUTCOMES, [JSON.stringify([{outcome_client: 'ct', outcome_user: null, code: 'ok', hint: null, outcome_at: hour.getTime(), hour: hour.getTime(), calls: 1}])]);
			// With one row per bucket this would wait for that commit: the test would time out.
			await store.recordOutcome({clientToken: 'ct', userId: 'u2', code: 'ok', at: now});
			expect((await store.readiness('ct', hour)).byCode).toEqual({ok: 1});
			await other.query('COMMIT');
			expect((await store.readiness('ct', hour)).byCode).toEqual({ok: 2});
		} finally {
			await other.end();
			await store.close();
		}
	});

	it('counts what an instance on schema version 1 recorded during a rolling upgrade, and sweeps it', async () => {
		const connectionString = await db.cluster.createDatabase();
		const store = new PostgresStore({connectionString}, {sweepIntervalMs: 0, outcomeRetentionMs: 3_600_000});
		await store.migrate();
		const pool = new pg.Pool({connectionString});
		const hour = new Date('2026-11-21T12:00:00.000Z');
		try {
			// Version 1's statement: one row per bucket in signet_outcomes.
			await pool.query(`INSERT INTO signet_outcomes AS o (client_token, hour, code, hint, count) VALUES ('ct', $1, 'ok', '', 1)
				ON CONFLICT (client_token, hour, code, hint) DO UPDATE SET count = o.count + 1`, [hour]);
			await store.recordOutcome({clientToken: 'ct', userId: 'u', code: 'ok', at: new Date('2026-11-21T12:30:00.000Z')});
			expect((await store.readiness('ct', hour)).byCode).toEqual({ok: 2});
			await store.sweep(new Date('2026-11-21T15:00:00.000Z'));
			expect((await store.readiness('ct', hour)).total).toBe(0);
		} finally {
			await pool.end();
			await store.close();
		}
	});

	it('writes a verified identify in one statement: its outcome, its change and its session, or no session when the change does not apply', async () => {
		const store = new PostgresStore({connectionString: await db.cluster.createDatabase()}, {sweepIntervalMs: 0});
		await store.migrate();
		const now = new Date('2026-11-21T12:00:00.000Z');
		const change = (userId: string, metadata: Record<string, unknown>) => ({clientToken: 'ct', userId, anonymousId: 'a', metadata, verification: 'ok' as const, now, maxMetadataBytes: 400});
		const session = (tokenHash: string, userId: string) => ({tokenHash, clientToken: 'ct', userId, anonymousId: 'a', keyId: 'k', createdAt: now.toISOString(), expiresAt: '2026-11-21T13:00:00.000Z'});
		const outcome = (userId: string) => ({clientToken: 'ct', userId, code: 'ok', at: now});
		try {
			// 20 identifies of one user at once, each adding its own key: none lost, each with its session.
			const results = await Promise.all(
				Array.from({length: 20}, (_, index) => store.applyIdentify({outcome: outcome('alice'), change: change('alice', {[`k${index}`]: index}), session: session(`s${index}`, 'alice')})),
			);
			expect(results.every((result) => result.ok)).toBe(true);
			const record = await store.getUser('ct', 'alice');
			expect(record).toMatchObject({applied: 20, verified: true});
			expect(Object.keys(record!.metadata)).toHaveLength(20);
			expect((await Promise.all(results.map((_, index) => store.getSession(`s${index}`)))).every((found) => found?.userId === 'alice')).toBe(true);
			// Too large: nothing changes and no session, but the outcome counts, as recordOutcome before mergeUser would.
			expect(await store.applyIdentify({outcome: outcome('bob'), change: change('bob', {big: 'x'.repeat(400)}), session: session('s-bob', 'bob')})).toEqual({
				ok: false,
				reason: 'metadata_too_large',
			});
			expect(await store.getUser('ct', 'bob')).toBeUndefined();
			expect(await store.getSession('s-bob')).toBeUndefined();
			expect(await store.readiness('ct', now)).toMatchObject({total: 21, byCode: {ok: 21}});
		} finally {
			await store.close();
		}
	});

	it('refuses a connection it cannot use with a clear error', () => {
		expect(() => new PostgresStore({} as never)).toThrow('PostgresStore needs {connectionString} or {pool}');
		expect(() => new PostgresStore({connectionString: 'postgres://localhost/x'}, {unverifiedRetentionHours: Number.NaN})).toThrow(/unverifiedRetentionHours/);
	});
});

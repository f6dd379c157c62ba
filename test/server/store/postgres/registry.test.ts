// The registry contract against a real PostgreSQL (a throwaway cluster);
// then what only PostgreSQL has: writers in two processes racing on one
// revision, the NOTIFY a write sends, a write PostgreSQL refuses half-way,
// touchKeys as one statement, and the upgrade from schema version 3.
import pg from 'pg';
import {expect, it} from 'vitest';
import {PostgresStore} from '../../../../src/server/store/postgres/index';
import {MIGRATIONS} from '../../../../src/server/store/postgres/migrations';
import type {PostgresPool} from '../../../../src/server/store/postgres/pool';
import {describePostgres} from '../../../support/postgres';
import {usePostgresStore} from '../../../support/postgres-store';
import {auditEvent, describeRegistryContract, registryClient, registryKey} from '../../support/registry-contract';

const T0 = '2026-11-21T12:00:00.000Z';
const made = registryClient;
const key = (clientToken: string, id: string) => registryKey(clientToken, id);
const event = (action: string, clientToken?: string) => auditEvent(action, clientToken === undefined ? {} : {clientToken});

describePostgres('PostgresStore registry', () => {
	// One store for the whole contract: each test uses its own client tokens.
	const db = usePostgresStore();
	describeRegistryContract('PostgresStore', () => db.store);

	// Two API processes on one database, and a connection of the test's own.
	async function twoProcesses(): Promise<{stores: PostgresStore[]; outside: pg.Client; close: () => Promise<void>}> {
		const connectionString = await db.cluster.createDatabase();
		const stores = [new PostgresStore({connectionString}, {sweepIntervalMs: 0}), new PostgresStore({connectionString}, {sweepIntervalMs: 0})];
		await stores[0].migrate();
		const outside = new pg.Client({connectionString});
		await outside.connect();
		return {stores, outside, close: async () => Promise.all([outside.end(), ...stores.map(async (each) => each.close())]).then(() => {})};
	}

	// Until `count` backends wait for a lock: the writes are then in flight
	// together, whatever the scheduler did. pg_locks, not pg_stat_activity:
	// the test's connection asks from inside its transaction, where
	// pg_stat_activity stays as it first read it. Bounded: 200 looks.
	async function waitForLockWaiters(outside: pg.Client, count: number): Promise<void> {
		for (let look = 0; look < 200; look++) {
			const {rows} = await outside.query('SELECT count(DISTINCT pid)::int AS n FROM pg_locks WHERE NOT granted');
			if (rows[0].n >= count) {
				return;
			}

			await new Promise((resolve) => setTimeout(resolve, 25));
		}

		throw new Error(`fewer than ${count} writes waited for a lock`);
	}

	it('lets one of two processes through when both update a client at the revision they read, their statements truly at once', async () => {
		const {stores, outside, close} = await twoProcesses();
		try {
			const client = made('ct_race');
			expect(await stores[0].writeRegistry({client, expectedRevision: null}, event('client.create', client.token))).toBe('ok');
			// A transaction of the test's holds the client's row, so both writes
			// start, find revision 1 and queue on the row; then it lets go.
			await outside.query('BEGIN');
			await outside.query(`SELECT 1 FROM signet_clients WHERE token = 'ct_race' FOR UPDATE`);
			const writes = stores.map(async (each, index) => each.writeRegistry({client: {...client, name: `P${index}`}, expectedRevision: 1}, event(`client.update.P${index}`, client.token)));
			await waitForLockWaiters(outside, 2);
			await outside.query('COMMIT');
			const results = await Promise.all(writes);
			expect([...results].sort()).toEqual(['conflict', 'ok']);
			const winner = `P${results.indexOf('ok')}`;
			const registry = await stores[1].readRegistry();
			expect(registry.clients).toEqual([{...client, name: winner, revision: 2}]);
			expect(registry.version).toBe(2);
			expect((await stores[0].auditEvents({limit: 10})).map((entry) => entry.action)).toEqual([`client.update.${winner}`, 'client.create']);
		} finally {
			await close();
		}
	});

	it('lets one of two processes create a client when both create its token at once', async () => {
		const {stores, outside, close} = await twoProcesses();
		try {
			// An uncommitted insert of the token of the test's: both creates wait
			// on it; rolled back, one of them inserts and the other waits on that one.
			await outside.query('BEGIN');
			await outside.query(`INSERT INTO signet_clients VALUES ('ct_new', 'x', false, '{}', now(), now(), 1)`);
			const writes = stores.map(async (each, index) => each.writeRegistry({client: made('ct_new', {name: `P${index}`}), expectedRevision: null, keys: [key('ct_new', `key_P${index}`)]}, event('client.create', 'ct_new')));
			await waitForLockWaiters(outside, 2);
			await outside.query('ROLLBACK');
			const results = await Promise.all(writes);
			expect([...results].sort()).toEqual(['conflict', 'ok']);
			const winner = `P${results.indexOf('ok')}`;
			const registry = await stores[0].readRegistry();
			expect(registry.clients).toEqual([made('ct_new', {name: winner, revision: 1})]);
			expect(registry.keys).toEqual([key('ct_new', `key_${winner}`)]);
			expect(await stores[0].auditEvents({limit: 10})).toHaveLength(1);
		} finally {
			await close();
		}
	});

	it('keeps every write of 16 fired at once from two processes at one revision but one, with one version each', async () => {
		const {stores, close} = await twoProcesses();
		try {
			const client = made('ct_crowd');
			await stores[0].writeRegistry({client, expectedRevision: null}, event('client.create', client.token));
			const results = await Promise.all(Array.from({length: 16}, async (_, index) => stores[index % 2].writeRegistry({client: {...client, name: `W${index}`}, expectedRevision: 1}, event('client.update', client.token))));
			expect(results.filter((result) => result === 'ok')).toHaveLength(1);
			expect(await stores[1].registryVersion()).toBe(2);
			expect(await stores[1].auditEvents({clientToken: client.token, limit: 100})).toHaveLength(2);
		} finally {
			await close();
		}
	});

	it('notifies signet_registry with the new version when a write commits, and not for a conflict', async () => {
		const {stores, outside, close} = await twoProcesses();
		try {
			const payloads: string[] = [];
			outside.on('notification', ({channel, payload}) => {
				if (channel === 'signet_registry') {
					payloads.push(payload ?? '');
				}
			});
			await outside.query('LISTEN signet_registry');
			const client = made('ct_listen');
			await stores[0].writeRegistry({client, expectedRevision: null}, event('client.create', client.token));
			expect(await stores[1].writeRegistry({client, expectedRevision: null}, event('client.create', client.token))).toBe('conflict');
			await stores[1].writeRegistry({client, expectedRevision: 1}, event('client.update', client.token));
			// Notifications come in commit order: a third one would sit between these two.
			for (let look = 0; look < 200 && payloads.length < 2; look++) {
				await new Promise((resolve) => setTimeout(resolve, 10));
			}

			expect(payloads).toEqual(['1', '2']);
			expect(await stores[0].registryVersion()).toBe(2);
		} finally {
			await close();
		}
	});

	it('changes nothing when PostgreSQL refuses part of a write (a credential digest already taken): no client, key, event or version', async () => {
		const {stores, close} = await twoProcesses();
		try {
			const credential = {id: 'cred_1', name: 'ops', role: 'admin' as const, digest: 'ab'.repeat(32), createdAt: T0, revokedAt: null};
			await stores[0].writeRegistry({credential}, event('credential.create'));
			const before = await stores[0].readRegistry();
			await expect(
				stores[0].writeRegistry({client: made('ct_half'), expectedRevision: null, keys: [key('ct_half', 'key_1')], credential: {...credential, id: 'cred_2'}}, event('client.create', 'ct_half')),
			).rejects.toThrow(/signet_credentials_digest_key/);
			expect(await stores[1].readRegistry()).toEqual(before);
			expect(await stores[1].auditEvents({limit: 10})).toEqual([event('credential.create')]);
		} finally {
			await close();
		}
	});

	it('touches many keys in one statement, each to its latest use, none back, and not a key of another client', async () => {
		const connectionString = await db.cluster.createDatabase();
		const pool = new pg.Pool({connectionString});
		let statements = 0;
		const counting: PostgresPool = {
			async query(query) {
				statements++;
				return pool.query(query);
			},
			connect: async () => pool.connect(),
			end: async () => pool.end(),
		};
		const store = new PostgresStore({pool: counting}, {sweepIntervalMs: 0});
		try {
			await store.migrate();
			const keys = Array.from({length: 10}, (_, index) => key('ct_used', `key_${index}`));
			await store.writeRegistry({client: made('ct_used'), expectedRevision: null, keys: keys.map((each, index) => (index === 0 ? {...each, lastUsedAt: '2026-11-21T14:00:00.000Z'} : each))}, event('client.create'));
			const version = await store.registryVersion();
			const at = (minute: number) => `2026-11-21T13:${String(minute).padStart(2, '0')}:00.000Z`;
			// Each key used five times, out of order; and ids of a client that has none.
			const uses = keys.flatMap(({id}) => [3, 1, 4, 1, 5].map((minute) => ({clientToken: 'ct_used', keyId: id, at: at(minute)})));
			statements = 0;
			await store.touchKeys([...uses, {clientToken: 'ct_other', keyId: 'key_1', at: at(59)}]);
			expect(statements).toBe(1);
			const lastUsed = (await store.readRegistry()).keys.map((each) => [each.id, each.lastUsedAt]);
			expect(lastUsed).toEqual(keys.map(({id}, index) => [id, index === 0 ? '2026-11-21T14:00:00.000Z' : at(5)]));
			expect(await store.registryVersion()).toBe(version);
			statements = 0;
			await store.touchKeys([]);
			expect(statements).toBe(0);
		} finally {
			await store.close();
			await pool.end();
		}
	});

	it('upgrades a schema version 3 database with data to version 4 and later keeping every row of every table, with an empty registry at version 0', async () => {
		const connectionString = await db.cluster.createDatabase();
		const pool = new pg.Pool({connectionString});
		const store = new PostgresStore({pool}, {sweepIntervalMs: 0});
		try {
			// A database as version 3 of this code left it, with a row in every table.
			await pool.query('CREATE TABLE signet_schema_versions (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
			for (const step of MIGRATIONS.filter(({version}) => version <= 3)) {
				await pool.query(step.sql);
				await pool.query('INSERT INTO signet_schema_versions (version) VALUES ($1)', [step.version]);
			}

			// Written as version 3 wrote them: the store of this code writes columns of later versions.
			await pool.query(`INSERT INTO signet_users VALUES ('ct', 'u', '{"plan": "pro"}', '{}', '{a}', true, 'ok', $1, 0, $1, $1, 1)`, [T0]);
			await pool.query(`INSERT INTO signet_sessions VALUES ($1, 'ct', 'u', 'a', 'k', $2, '2026-11-21T13:00:00.000Z')`, ['a'.repeat(64), T0]);
			await pool.query(`INSERT INTO signet_replies VALUES ('reply', 'f', 'sealed', $1, '2026-11-21T13:00:00.000Z')`, [T0]);
			await pool.query(`INSERT INTO signet_counters VALUES ('ip:1', 60000, 29395440, 1, '2026-11-21T12:01:00.000Z')`);
			await pool.query(`INSERT INTO signet_outcome_counts VALUES ('ct', $1, 'hash_expired', '', 1, 1)`, [T0]);
			await pool.query(`INSERT INTO signet_failures (client_token, user_id, code, at) VALUES ('ct', 'u', 'hash_expired', $1)`, [T0]);
			await pool.query(`INSERT INTO signet_outcomes VALUES ('ct', $1, 'ok', '', 1)`, [T0]);
			// Every table but the list of versions, which gains version 4.
			const tables = (await pool.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE 'signet\\_%' AND tablename <> 'signet_schema_versions' ORDER BY tablename`)).rows.map((row) => row.tablename as string);
			const versions = (await pool.query('SELECT * FROM signet_schema_versions ORDER BY version')).rows;
			const contents = async () => Promise.all(tables.map(async (table) => (await pool.query(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows));
			const before = await contents();
			// Every version 1 to 3 table holds something, so "kept" means something.
			expect(before.map((rows, index) => [tables[index], rows.length > 0])).toEqual(tables.map((table) => [table, true]));

			await store.migrate();
			// Every row as it was, in the columns it had (later versions add some).
			const after = await contents();
			expect(before.map((rows, table) => rows.map((row, index) => Object.fromEntries(Object.keys(row).map((column) => [column, after[table][index]?.[column]]))))).toEqual(before);
			const later = MIGRATIONS.filter((step) => step.version > 3).map((step) => ({version: step.version, applied_at: expect.any(Date)}));
			expect((await pool.query('SELECT * FROM signet_schema_versions ORDER BY version')).rows).toEqual([...versions, ...later]);
			expect(await store.readRegistry()).toEqual({clients: [], keys: [], credentials: [], version: 0});
			const indexes = (await pool.query(`SELECT indexname FROM pg_indexes WHERE tablename IN ('signet_clients', 'signet_keys', 'signet_credentials', 'signet_audit_events', 'signet_registry_version') ORDER BY indexname`)).rows;
			expect(indexes.map((row) => row.indexname)).toEqual([
				'signet_audit_events_client',
				'signet_audit_events_pkey',
				'signet_clients_pkey',
				'signet_credentials_digest_key',
				'signet_credentials_pkey',
				'signet_keys_pkey',
				'signet_registry_version_pkey',
			]);
			expect(await store.writeRegistry({client: made('ct_after'), expectedRevision: null}, event('client.create', 'ct_after'))).toBe('ok');
			expect(await store.getUser('ct', 'u')).toMatchObject({verified: true, metadata: {plan: 'pro'}});
		} finally {
			await store.close();
			await pool.end();
		}
	});
});

// A PostgresStore on a fresh database of a throwaway cluster, migrated
// before the suite's tests and closed (the cluster removed) after them.
import {afterAll, beforeAll} from 'vitest';
import {PostgresStore, type PostgresStoreOptions} from '../../src/server/store/postgres/index';
import {type PostgresCluster, startPostgres} from './postgres';

/** What {@link usePostgresStore} gives a suite, set once its beforeAll ran. @example const db = usePostgresStore(); db.store.getUser(…) */
export type StoreOnCluster = {cluster: PostgresCluster; connectionString: string; store: PostgresStore};

/**
 * Registers the suite's beforeAll (cluster, database, store, migrate) and
 * afterAll (close, remove); answers the object they fill in. The store's
 * own sweep timer is off unless `options` turn it on.
 *
 * @example
 * const db = usePostgresStore({sweepBatchSize: 7});
 * it('…', async () => { await db.store.sweep(new Date()); });
 */
export function usePostgresStore(options: PostgresStoreOptions = {}): StoreOnCluster {
	const made = {} as StoreOnCluster;
	beforeAll(async () => {
		made.cluster = await startPostgres();
		made.connectionString = await made.cluster.createDatabase();
		made.store = new PostgresStore({connectionString: made.connectionString}, {sweepIntervalMs: 0, ...options});
		await made.store.migrate();
	});
	afterAll(async () => {
		await made.store?.close();
		await made.cluster?.remove();
	});
	return made;
}

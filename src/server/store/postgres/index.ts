// signet-js/server/postgres: the PostgreSQL store, name by name. Its own
// entry, so that `pg` (an optional peer dependency) is needed only by those
// who import it; the core never imports this folder. The guard comes first,
// as in signet-js/server.
/**
 * The PostgreSQL store of the reference identity API, for several instances sharing one database (`pg` is a peer dependency).
 *
 * @module signet-js/server/postgres
 */
import '../../guard';

export {PostgresStore} from './postgres-store';
export type {PostgresStoreOptions} from './store-options';
export type {PostgresConnection, PostgresPool, PostgresQuery, PostgresResult} from './pool';

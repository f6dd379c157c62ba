// One reference-API process on a PostgreSQL database, as a platform runs
// several behind a load balancer: the built files (what ships), the store
// migrated on start, one JSON line {url} on stdout once it listens.
// SIGTERM closes it cleanly; SIGKILL is the crash the tests also try.
//
//   DATABASE_URL=postgres://… SIGNET_API_CONFIG='{"clients":{…}}' node test/support/api-process.mjs
import {createIdentityHandler, startServer} from '../../dist/server.mjs';
import {PostgresStore} from '../../dist/server-postgres.mjs';

const config = JSON.parse(process.env.SIGNET_API_CONFIG ?? '{}');
const store = new PostgresStore({connectionString: process.env.DATABASE_URL}, {sweepIntervalMs: 1000});
await store.migrate();
const handler = createIdentityHandler({...config, store, log: () => {}});
const server = await startServer(handler, {port: 0, host: '127.0.0.1'});
process.stdout.write(`${JSON.stringify({url: server.url})}\n`);

process.once('SIGTERM', () => {
	Promise.all([server.close(), store.close()]).finally(() => process.exit(0));
});

// The reference API with its control plane on, as its own process (the
// built dist/server.mjs, console files embedded), for the console suite:
// one JSON line {url} on stdout once it listens; SIGTERM stops it.
//
//   SIGNET_OWNER_KEY=… SIGNET_MASTER_KEY=… node test/e2e/support/console-api.mjs
import {createIdentityHandler, MemoryStore, startServer} from '../../../dist/server.mjs';

const handler = createIdentityHandler({
	clients: {},
	store: new MemoryStore(),
	admin: {ownerKey: process.env.SIGNET_OWNER_KEY, masterKey: process.env.SIGNET_MASTER_KEY},
});
await handler.ready;
const server = await startServer(handler, {port: 0, host: '127.0.0.1'});
process.stdout.write(`${JSON.stringify({url: server.url})}\n`);
process.once('SIGTERM', () => {
	server.close().finally(() => process.exit(0));
});

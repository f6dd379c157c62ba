// One target of the API load benchmark, run as its own process so that the
// load generator never shares its event loop:
//   node bench/api-target.mjs reference   the reference API from dist/server.mjs, MemoryStore
//   node bench/api-target.mjs metrics     the same with GET /metrics on (SPEC §7): every answer counted and timed
//   node bench/api-target.mjs observed    the same, and one JSON log line per answer handed to a function that drops it
//   node bench/api-target.mjs registry    the same with the control plane on: 50 clients made through the admin API, one of them loaded
//   DATABASE_URL=… node bench/api-target.mjs postgres   the same API on a PostgresStore
//   DATABASE_URL=… node bench/api-target.mjs postgres-changing   the same (its load changes the metadata on every call)
//   node bench/api-target.mjs bare        node:http, the same JSON body, HMAC-SHA256 + timingSafeEqual, nothing else
//   DATABASE_URL=… node bench/api-target.mjs bare-postgres   the same, plus one durable PostgreSQL write per verified call
// It listens on a free loopback port and sends {port} to its parent (IPC);
// 'cpu' asks for the CPU time it has used so far (process.cpuUsage, µs), and
// 'stop' makes it exit, which is when --cpu-prof writes its profile. Without
// an IPC channel (under valgrind) it prints "port N" instead.
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';
import {createServer} from 'node:http';
import {CLIENT_TOKEN, PAGE_ORIGIN, SECRET} from './api-users.mjs';

const kind = process.argv[2];

/** The reference API as a customer would run it: enforcement on, logging off, the default store or `store`, and `options`. */
async function reference(store, options = {}) {
	const {createIdentityHandler, startServer} = await import('../dist/server.mjs');
	const handler = createIdentityHandler({
		clients: {[CLIENT_TOKEN]: {secrets: [SECRET], enforce: true, allowedOrigins: [PAGE_ORIGIN]}},
		...(store === undefined ? {} : {store}),
		// Every limit is counted on every call, as with the defaults, but high
		// enough that 1,000 visitors from one address at full speed stay under
		// it: the bench measures answers, not 429s.
		rateLimit: {max: 1e9, perUser: 1e9, perIp: 1e9, windowMs: 60_000},
		...options,
	});
	return startServer(handler);
}

// What observing costs: the lines are built as in production; where they go (a file, a pipe) is the platform's cost, not Signet's.
const observing = {
	metrics: {metrics: {bearer: randomBytes(24).toString('base64url')}},
	observed: {metrics: {bearer: randomBytes(24).toString('base64url')}, log: () => {}},
};

/**
 * The reference API with the control plane on and 50 registry clients,
 * each with a key, made through the admin API as a platform would: the
 * load goes to one of them, whose token and secret the parent is told.
 */
async function registry() {
	const {createIdentityHandler, startServer} = await import('../dist/server.mjs');
	const ownerKey = `sok_${randomBytes(32).toString('base64url')}`;
	const handler = createIdentityHandler({clients: {}, admin: {ownerKey}, rateLimit: {max: 1e9, perUser: 1e9, perIp: 1e9, windowMs: 60_000}});
	const server = await startServer(handler);
	const admin = async (path, body, method = 'POST') => {
		const response = await fetch(`${server.url}/v1/admin/${path}`, {method, headers: {Authorization: `Bearer ${ownerKey}`}, body: JSON.stringify(body)});
		return response.json();
	};

	const made = [];
	for (let index = 0; index < 50; index++) {
		const {client} = await admin('clients', {name: `Bench ${index}`, allowedOrigins: [PAGE_ORIGIN]});
		const {secret} = await admin(`clients/${client.token}/keys`, {type: 'secret'});
		made.push({clientToken: client.token, secret});
	}

	// Enforcing, as the reference target's client does.
	await admin(`clients/${made[25].clientToken}`, {enforce: true, force: true}, 'PATCH');
	return {port: server.port, ...made[25]};
}

/** The reference API on PostgreSQL (DATABASE_URL), the store migrated first as on every start. */
async function postgres() {
	const {PostgresStore} = await import('../dist/server-postgres.mjs');
	const store = new PostgresStore({connectionString: process.env.DATABASE_URL});
	await store.migrate();
	return reference(store);
}

/**
 * The floor: what any endpoint checking the same signature must do at
 * least. With `remember`, each verified call also waits for it (a write).
 */
async function bare(remember) {
	const key = Buffer.from(SECRET, 'utf8');
	const server = createServer((request, response) => {
		const chunks = [];
		request.on('data', (chunk) => chunks.push(chunk));
		request.on('end', async () => {
			let status = 403;
			try {
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				const message = body.expiration === undefined ? body.userId : `${body.userId}\n${body.expiration}`;
				const given = Buffer.from(body.hash, 'hex');
				const expected = createHmac('sha256', key).update(message, 'utf8').digest();
				status = given.length === expected.length && timingSafeEqual(given, expected) ? 200 : 403;
				if (status === 200 && remember !== undefined) {
					await remember(body.messageId);
				}
			} catch {
				status = 400;
			}

			const answer = JSON.stringify(status === 200 ? {verified: true} : {verified: false});
			response.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer)});
			response.end(answer);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {port: server.address().port};
}

/**
 * The floor of a shared store: the bare endpoint plus one durable write per
 * verified call (its message id, as the least a retry-safe API must keep),
 * one statement and one commit each on a pg pool of node-postgres' default
 * size, as the PostgresStore's is. What the four statements of a
 * PostgresStore identify are measured against.
 */
async function barePostgres() {
	const {default: pg} = await import('pg');
	const pool = new pg.Pool({connectionString: process.env.DATABASE_URL});
	await pool.query('CREATE TABLE IF NOT EXISTS bench_seen (message_id text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
	return bare((messageId) => pool.query({name: 'bench_seen', text: 'INSERT INTO bench_seen (message_id) VALUES ($1) ON CONFLICT DO NOTHING', values: [messageId]}));
}

// postgres-changing is the same server: its load (api-load.mjs) changes the metadata on every call.
const targets = {reference: () => reference(), metrics: () => reference(undefined, observing.metrics), observed: () => reference(undefined, observing.observed), registry, postgres, 'postgres-changing': postgres, 'bare-postgres': barePostgres, bare: () => bare()};
if (!(kind in targets)) {
	console.error(`bench/api-target.mjs: unknown target ${JSON.stringify(kind)}; one of ${Object.keys(targets).join(', ')}`);
	process.exit(2);
}

const {port, clientToken, secret} = await targets[kind]();
// Under valgrind (api-instructions.mjs) there is no IPC channel: the port goes to stdout.
if (process.send === undefined) {
	// A registry target's client first: the client the load must sign for.
	if (clientToken !== undefined) {
		console.log(`client ${clientToken} ${secret}`);
	}

	console.log(`port ${port}`);
}

process.on('message', (message) => {
	if (message === 'cpu') {
		const {user, system} = process.cpuUsage();
		process.send({cpuMicros: user + system});
	} else if (message === 'stop') {
		process.exit(0);
	}
});
process.on('disconnect', () => process.exit(0));
process.send?.({port, clientToken, secret});

// `npm run demo`: the reference identity API (the widget platform's side,
// enforcement on) and an example customer site (its backend signs the
// logged-in user, its pages run the SDK), both on loopback. Ctrl-C stops both.
//
//   npm run demo                      site on 8080, API on 8787 (a free port if busy)
//   npm run demo -- --port 3000 --api-port 3001
//   SIGNET_DEMO_PORT=3000 SIGNET_API_PORT=3001 npm run demo
//   SIGNET_DEMO_SECRET=sk_demo_… npm run demo   a key of your own (default: random per run)
//   DATABASE_URL=postgres://… npm run demo      state in PostgreSQL (default: in memory)
import {randomBytes} from 'node:crypto';
import {realpathSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {createIdentityHandler, MemoryStore, startServer} from '../dist/server.mjs';
import {startSite} from './site/server.mjs';

/** The demo's public client token: it is in every page, and that is fine. */
export const DEMO_CLIENT_TOKEN = 'ct_demo';
export const DEFAULT_SITE_PORT = 8080;
export const DEFAULT_API_PORT = 8787;

// What the widget platform shows each verified user: in a real platform the
// customer sets this up in a dashboard. Keyed by the signed user id.
const CONTENT = {
	1042: {
		greeting: 'Welcome back, Ada!',
		plan: 'Pro',
		unreadChangelog: 3,
		checklist: [
			{title: 'Connect your repository', done: true},
			{title: 'Invite your team', done: true},
			{title: 'Turn on identity verification', done: false},
		],
	},
	2077: {
		greeting: 'Welcome back, Grace!',
		plan: 'Team',
		unreadChangelog: 1,
		checklist: [
			{title: 'Connect your repository', done: true},
			{title: 'Invite your team', done: false},
			{title: 'Schedule a compiler review', done: false},
		],
	},
};

/**
 * The personalised variables of a verified user: the reference API's
 * `variables` callback.
 *
 * @param {string} userId
 * @example
 * demoVariables('1042').greeting // 'Welcome back, Ada!'
 */
export function demoVariables(userId) {
	return CONTENT[userId] ?? {greeting: `Welcome, user ${userId}!`, plan: 'Free', unreadChangelog: 0, checklist: []};
}

/**
 * Starts the reference API and the example site on 127.0.0.1.
 *
 * The API must know the site's origin (CORS) and the site the API's
 * address, and with port 0 neither is known before it listens: so the API
 * listens first and gets its handler once the site is up.
 *
 * @param {{apiPort?: number, sitePort?: number, secret?: string, tokenSecret?: string, ownerKey?: string, masterKey?: string, log?: (line: string) => void, fallbackToFreePort?: boolean, databaseUrl?: string}} [options]
 *   `secret`: the client's hash key, `tokenSecret` its HS256 token key (a key has one use; random ones by default); `fallbackToFreePort`: a busy port is replaced by a free one;
 *   `databaseUrl`: keep the API's state in this PostgreSQL database (migrated on start) instead of in memory;
 *   `ownerKey`, `masterKey`: the control plane's owner credential and the key that seals its secrets (random ones by default).
 * @returns {Promise<{siteUrl: string, apiUrl: string, consoleUrl: string, clientToken: string, close(): Promise<void>}>}
 * @example
 * const demo = await startDemo({apiPort: 0, sitePort: 0});
 * console.log(`Open ${demo.siteUrl}`);
 * await demo.close();
 */
export async function startDemo({
	apiPort = 0,
	sitePort = 0,
	secret = `sk_demo_${randomBytes(24).toString('base64url')}`,
	tokenSecret = `tk_demo_${randomBytes(24).toString('base64url')}`,
	ownerKey = `sok_${randomBytes(32).toString('base64url')}`,
	masterKey = randomBytes(32).toString('base64'),
	log = () => {}, fallbackToFreePort = false, databaseUrl} = {}) {
	const store = databaseUrl ? await postgresStore(databaseUrl) : new MemoryStore();
	// Reads the readiness report; only the site's backend holds it.
	const adminKey = `ak_demo_${randomBytes(24).toString('base64url')}`;
	let handler;
	let api;
	let site;
	try {
		api = await listen((port) => startServer((request, info) => (handler ? handler(request, info) : notReady()), {port}), apiPort, 'the API', {log, fallbackToFreePort});
		site = await listen((port) => startSite({apiUrl: api.url, secret, tokenSecret, adminKey, clientToken: DEMO_CLIENT_TOKEN, port, log}), sitePort, 'the site', {log, fallbackToFreePort});
	} catch (error) {
		await Promise.all([api?.close(), store?.close()]);
		throw error;
	}

	handler = createIdentityHandler({
		clients: {
			[DEMO_CLIENT_TOKEN]: {
				secrets: [secret],
				// Tokens have a key of their own: a hash key never verifies a token.
				tokenSecrets: [tokenSecret],
				enforce: true,
				// Both names of the site: a visitor may open either.
				allowedOrigins: [site.url, `http://localhost:${site.port}`],
				// The widget shows the plan the site signed (step 6), once there is one.
				variables: async (userId) => signedPlanOver(demoVariables(userId), await store.getUser(DEMO_CLIENT_TOKEN, userId)),
				adminKey,
			},
		},
		store,
		// The control plane: clients and keys made at runtime through /v1/admin/*, sealed under the master key.
		admin: {ownerKey, masterKey, variables: (userId) => demoVariables(userId)},
		// GET /metrics, for any admin credential (the owner key here).
		metrics: true,
		// One JSON line per answer and per admin change: never a hash, a key or a session token.
		log: (line) => log(line),
	});
	try {
		await handler.ready;
	} catch (error) {
		await Promise.all([site.close(), api.close()]).then(() => store.close?.());
		throw error;
	}

	let closing;
	return {
		siteUrl: site.url,
		apiUrl: api.url,
		// The control plane's web page, served by the API (owner key: ownerKey).
		consoleUrl: `${api.url}/console`,
		clientToken: DEMO_CLIENT_TOKEN,
		ownerKey,
		store: databaseUrl ? 'PostgreSQL' : 'memory',
		close() {
			closing ??= Promise.all([site.close(), api.close()]).then(() => store.close?.());
			return closing;
		},
	};
}

/**
 * The variables with `plan` replaced by the plan an identity token signed
 * for this user, when one did: a signed attribute is what a platform may
 * personalise on, since the page cannot change it.
 *
 * @param {Record<string, unknown>} variables
 * @param {{metadata: Record<string, unknown>, signedKeys: string[]} | undefined} record
 * @example
 * signedPlanOver({plan: 'Pro'}, {metadata: {plan: 'team'}, signedKeys: ['plan']}) // {plan: 'team'}
 */
export function signedPlanOver(variables, record) {
	return record?.signedKeys.includes('plan') ? {...variables, plan: record.metadata.plan} : variables;
}

// Imported only when asked for: the in-memory demo needs no `pg`.
async function postgresStore(connectionString) {
	const {PostgresStore} = await import('../dist/server-postgres.mjs');
	const store = new PostgresStore({connectionString});
	try {
		await store.migrate();
	} catch (error) {
		await store.close();
		throw new Error(`DATABASE_URL is set but PostgreSQL could not be used: ${error?.message ?? error}`, {cause: error});
	}

	return store;
}

async function listen(start, port, name, {log, fallbackToFreePort}) {
	try {
		return await start(port);
	} catch (error) {
		if (error?.code !== 'EADDRINUSE' || !fallbackToFreePort || port === 0) {
			throw error;
		}

		log(`Port ${port} is busy: ${name} listens on a free port instead.`);
		return start(0);
	}
}

function notReady() {
	return Response.json({error: {code: 'starting', message: 'the demo API is starting'}}, {status: 503, headers: {'Retry-After': '1'}});
}

function portFrom(text, fallback, name) {
	if (text === undefined || text === '') {
		return fallback;
	}

	const port = Number(text);
	if (!Number.isInteger(port) || port < 0 || port > 65_535) {
		throw new RangeError(`${name} must be a port number from 0 to 65535, not ${JSON.stringify(text)}`);
	}

	return port;
}

async function main() {
	const {values} = parseArgs({
		options: {
			port: {type: 'string', short: 'p'},
			'api-port': {type: 'string'},
			help: {type: 'boolean', short: 'h'},
		},
	});
	if (values.help) {
		console.log('Usage: npm run demo -- [--port 8080] [--api-port 8787]   (or SIGNET_DEMO_PORT, SIGNET_API_PORT)');
		return;
	}

	const sitePort = portFrom(values.port ?? process.env.SIGNET_DEMO_PORT, DEFAULT_SITE_PORT, '--port');
	const apiPort = portFrom(values['api-port'] ?? process.env.SIGNET_API_PORT, DEFAULT_API_PORT, '--api-port');
	// A fixed key (SIGNET_DEMO_SECRET) lets you sign by hand against the demo; else a random one per run.
	const secret = process.env.SIGNET_DEMO_SECRET || undefined;
	const databaseUrl = process.env.DATABASE_URL || undefined;
	// The control plane's keys: from the environment, else made for this run and printed once.
	const ownerKey = process.env.SIGNET_OWNER_KEY || undefined;
	const masterKey = process.env.SIGNET_MASTER_KEY || undefined;
	if (databaseUrl && !masterKey) {
		// Keys sealed under a master key made for one run could not be opened by the next.
		throw new Error('With DATABASE_URL, set SIGNET_MASTER_KEY (32 random bytes in base64: openssl rand -base64 32): it seals the keys kept in the database');
	}

	const demo = await startDemo({sitePort, apiPort, secret, ownerKey, masterKey, log: (line) => console.log(line), fallbackToFreePort: true, databaseUrl});

	console.log(
		[
			'',
			'Signet demo',
			`  Customer site  ${demo.siteUrl}   script tag + async snippet; its backend signs with signIdentity`,
			`  Console        ${demo.consoleUrl}   clients, keys, enforcement: sign in with the owner key below`,
			`  Identity API   ${demo.apiUrl}   reference API, enforcement on, client token ${demo.clientToken}`,
			`  ESM example    ${demo.siteUrl}/esm.html   import map, createClient`,
			`  Admin API      ${demo.apiUrl}/v1/admin/   owner key ${ownerKey ? '(SIGNET_OWNER_KEY)' : `${demo.ownerKey}   (made for this run; SIGNET_OWNER_KEY sets one)`}`,
			`  Metrics        ${demo.apiUrl}/metrics   Prometheus text, with Authorization: Bearer <owner key>`,
			`  State          ${demo.store === 'PostgreSQL' ? 'PostgreSQL (DATABASE_URL)' : 'in memory (set DATABASE_URL to use PostgreSQL)'}`,
			'',
			`Open ${demo.siteUrl}`,
			`Then ${demo.consoleUrl}`,
			'Ctrl-C stops both servers. The API logs one JSON line per answer below.',
			'',
		].join('\n'),
	);

	let stopping = false;
	const stop = (signal) => {
		if (stopping) {
			// A second Ctrl-C: do not wait any longer.
			process.exit(130);
		}

		stopping = true;
		console.log(`\n${signal}: stopping the demo…`);
		setTimeout(() => {
			console.error('The servers did not close within 5 s: exiting anyway.');
			process.exit(1);
		}, 5000).unref();
		demo.close().then(
			() => {
				console.log('Stopped.');
				process.exit(0);
			},
			(error) => {
				console.error('Could not close the servers cleanly:', error);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

function runDirectly() {
	try {
		return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
	} catch {
		return false;
	}
}

if (runDirectly()) {
	main().catch((error) => {
		console.error(`The demo could not start: ${error?.message ?? error}`);
		if (error?.code === 'EADDRINUSE') {
			console.error('Choose other ports: npm run demo -- --port 3000 --api-port 3001');
		}

		process.exit(1);
	});
}

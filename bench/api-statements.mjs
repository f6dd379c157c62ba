// `node bench/api-statements.mjs [concurrency] [calls]`: what a page reload
// costs PostgreSQL, statement by statement. Starts a durable throwaway
// cluster with pg_stat_statements, an API on a PostgresStore (dist/), makes
// every bench user's first call, then `calls` page reloads, `concurrency`
// at a time, through the Fetch handler in this process, and prints per
// reload each statement's executions, rows and execution time, and the
// round trips and time in all. A count, not a speed: run `npm run build`
// first; the time is the statements' own (planning, protocol and commits
// are not in it).
import {randomUUID} from 'node:crypto';
import pg from 'pg';
import {createIdentityHandler} from '../dist/server.mjs';
import {PostgresStore} from '../dist/server-postgres.mjs';
import {CLIENT_TOKEN, identifyBodies, PAGE_ORIGIN, SECRET} from './api-users.mjs';
import {startBenchDatabase} from './postgres.mjs';

const concurrency = Number(process.argv[2] ?? 16);
const calls = Number(process.argv[3] ?? 8000);
const database = await startBenchDatabase({statements: true});
if (database.skipped !== undefined) {
	console.log(`not measured: ${database.skipped}`);
	process.exit(0);
}

const admin = new pg.Pool({connectionString: database.url, max: 1});
const store = new PostgresStore({connectionString: database.url}, {sweepIntervalMs: 0});
try {
	await store.migrate();
	const handler = createIdentityHandler({clients: {[CLIENT_TOKEN]: {secrets: [SECRET], allowedOrigins: [PAGE_ORIGIN]}}, store});
	const bodies = identifyBodies();
	const identify = async (body, index) => {
		const request = new Request('http://127.0.0.1/v1/identify', {method: 'POST', headers: {origin: PAGE_ORIGIN}, body: JSON.stringify({...body, messageId: randomUUID()})});
		const response = await handler(request, {clientIp: `10.0.${index % 250}.${(index >> 8) % 250}`});
		if (response.status !== 200) {
			throw new Error(`identify answered ${response.status}: ${await response.text()}`);
		}
	};
	const run = async (total) => {
		let next = 0;
		await Promise.all(
			Array.from({length: concurrency}, async () => {
				for (let call = next++; call < total; call = next++) {
					await identify(bodies[call % bodies.length], call);
				}
			}),
		);
	};

	// First calls (new users and sessions), then reloads to warm up.
	await run(bodies.length);
	await run(2000);
	await admin.query('SELECT pg_stat_statements_reset()');
	await run(calls);
	const {rows} = await admin.query(`SELECT query, calls, rows, total_exec_time FROM pg_stat_statements
		WHERE query NOT LIKE '%pg_stat_statements%' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY total_exec_time DESC`);
	const per = (value) => value / calls;
	console.log(`${calls} page reloads, ${concurrency} at a time; per reload:`);
	console.log('statements  rows   µs exec  statement');
	for (const row of rows) {
		const text = row.query.replace(/\s+/g, ' ').trim();
		console.log(`${per(row.calls).toFixed(3).padStart(10)}  ${per(row.rows).toFixed(2).padStart(4)}  ${(per(row.total_exec_time) * 1000).toFixed(1).padStart(7)}  ${text.slice(0, 90)}`);
	}

	const sum = (key) => rows.reduce((total, row) => total + Number(row[key]), 0);
	console.log(`${per(sum('calls')).toFixed(3).padStart(10)}  ${per(sum('rows')).toFixed(2).padStart(4)}  ${(per(sum('total_exec_time')) * 1000).toFixed(1).padStart(7)}  in all`);
} finally {
	await store.close();
	await admin.end();
	await database.close();
}

// A throwaway PostgreSQL database for the API bench's PostgresStore target,
// started by the test suites' own harness (test/support/postgres.ts: initdb
// and pg_ctl in a temporary directory, a free loopback port), which esbuild
// turns into JavaScript for plain node, as durable as PostgreSQL's defaults
// (fsync and synchronous_commit on: every commit waits for its WAL flush, as
// in production; the test suites turn that off). Answers {url, close()}, or
// {skipped} saying why there is no database to measure.
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {fileURLToPath, pathToFileURL} from 'node:url';

const support = fileURLToPath(new URL('../test/support/postgres.ts', import.meta.url));
const store = new URL('../dist/server-postgres.mjs', import.meta.url);

export async function startBenchDatabase({statements = false} = {}) {
	if (!existsSync(support) || !existsSync(store)) {
		return {skipped: 'no PostgresStore in this build (dist/server-postgres.mjs)'};
	}

	// Next to the bench, so that its imports (pg, vitest) resolve from node_modules.
	const compiled = fileURLToPath(new URL(`.postgres-support-${process.pid}.mjs`, import.meta.url));
	const {build} = await import('esbuild');
	await build({entryPoints: [support], bundle: true, format: 'esm', platform: 'node', packages: 'external', outfile: compiled, logLevel: 'silent'});
	try {
		const {postgresBin, startPostgres} = await import(pathToFileURL(compiled).href);
		if (!postgresBin) {
			return {skipped: 'no PostgreSQL binaries (apt-get install -y postgresql, or set SIGNET_POSTGRES_BIN)'};
		}

		const cluster = await startPostgres({durable: true});
		const url = await cluster.createDatabase();
		if (statements) {
			await countStatements(cluster, url);
		}

		return {url, close: () => cluster.remove(), cpuMicros: () => serverCpuMicros(cluster.dataDir)};
	} finally {
		rmSync(compiled, {force: true});
	}
}

// Loads pg_stat_statements (a restart: it must be preloaded) and creates
// it in the database at `url` (bench/api-statements.mjs).
async function countStatements(cluster, url) {
	const {default: pg} = await import('pg');
	const run = async (sql) => {
		const client = new pg.Client({connectionString: url});
		await client.connect();
		try {
			await client.query(sql);
		} finally {
			await client.end();
		}
	};

	await run(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
	await cluster.stop();
	await cluster.start();
	await run('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}

// The CPU time (user + system, µs) the server's processes have used so
// far: the postmaster and its children (backends, WAL writer,
// checkpointer…), from /proc. A process that exited in between is not
// counted; the pool's backends live for the whole bench. Undefined where
// there is no /proc.
function serverCpuMicros(dataDir) {
	try {
		const postmaster = readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0];
		let ticks = 0;
		for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
			try {
				const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
				// Fields after the command name: state, ppid, … utime (12th), stime (13th).
				const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
				if (pid === postmaster || fields[1] === postmaster) {
					ticks += Number(fields[11]) + Number(fields[12]);
				}
			} catch {}
		}

		// Linux counts in clock ticks of 1/100 s (USER_HZ) on every architecture it runs on.
		return ticks * 10_000;
	} catch {
		return undefined;
	}
}

/**
 * How many rows each of the store's tables holds now (signet_*, the schema
 * versions and registry aside): what a run left behind, reported beside
 * its throughput.
 */
export async function rowCounts(url) {
	const {default: pg} = await import('pg');
	const client = new pg.Client({connectionString: url});
	await client.connect();
	try {
		const tables = ['signet_users', 'signet_sessions', 'signet_replies', 'signet_counters', 'signet_outcome_counts', 'signet_failures'];
		const {rows} = await client.query(`SELECT ${tables.map((table) => `(SELECT count(*) FROM ${table})::integer AS ${table.slice('signet_'.length)}`).join(', ')}`);
		return rows[0];
	} finally {
		await client.end();
	}
}

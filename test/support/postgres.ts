// A throwaway PostgreSQL cluster for the suites that need a real database:
// initdb + pg_ctl in a temporary directory, as an unprivileged user (the
// server refuses to run as root, and CI runs tests as root), on a free
// loopback port, with fsync off (or as durable as PostgreSQL's defaults, for
// the bench), removed afterwards. No PostgreSQL on the
// machine: those suites are skipped with a message, unless
// SIGNET_REQUIRE_POSTGRES=1 (CI) makes that a failure.
import {execFileSync, spawn} from 'node:child_process';
import {chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {describe, it} from 'vitest';

/** Whether a missing PostgreSQL must fail the run (CI sets SIGNET_REQUIRE_POSTGRES=1) rather than skip. @example if (!postgresBin && postgresRequired) throw … */
export const postgresRequired = process.env.SIGNET_REQUIRE_POSTGRES === '1';

/** The directory of the newest installed PostgreSQL's binaries (or SIGNET_POSTGRES_BIN), or undefined. @example postgresBin // '/usr/lib/postgresql/15/bin' */
export const postgresBin = findBin();

function findBin(): string | undefined {
	const fromEnvironment = process.env.SIGNET_POSTGRES_BIN;
	if (fromEnvironment) {
		return existsSync(join(fromEnvironment, 'initdb')) ? fromEnvironment : undefined;
	}

	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).filter((version) => existsSync(join(root, version, 'bin', 'initdb'))) : [];
	const newest = versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))[0];
	return newest === undefined ? undefined : join(root, newest, 'bin');
}

/**
 * `describe` for a suite that needs PostgreSQL: skipped with a warning that
 * says so on a machine without it, unless SIGNET_REQUIRE_POSTGRES=1 turns
 * the missing server into a failing test.
 *
 * @example
 * describePostgres('PostgresStore', () => { it('…', async () => { … }); });
 */
export function describePostgres(name: string, suite: () => void): void {
	if (!postgresBin) {
		if (postgresRequired) {
			describe(name, () => {
				it('runs against PostgreSQL (SIGNET_REQUIRE_POSTGRES=1)', () => {
					throw new Error('No PostgreSQL found and SIGNET_REQUIRE_POSTGRES=1: apt-get install -y postgresql, or set SIGNET_POSTGRES_BIN.');
				});
			});
			return;
		}

		console.warn(`PostgreSQL suites skipped: no /usr/lib/postgresql/*/bin/initdb (${name}; apt-get install -y postgresql or set SIGNET_POSTGRES_BIN, SIGNET_REQUIRE_POSTGRES=1 makes this a failure)`);
	}

	describe.skipIf(!postgresBin)(name, suite);
}

/** A running throwaway cluster. @example const url = await cluster.createDatabase(); await cluster.stop(); await cluster.start(); await cluster.crash(); */
export type PostgresCluster = {
	port: number;
	/** The data directory (its postmaster.pid names the server's process). */
	dataDir: string;
	/** A new empty database; answers its connection string. */
	createDatabase(): Promise<string>;
	/** Stops the server (fast shutdown: connections are cut), keeping the data. */
	stop(): Promise<void>;
	/** Kills the server as a crash would (immediate stop: no checkpoint, WAL not yet flushed is lost), keeping the data. */
	crash(): Promise<void>;
	/** Starts it again on the same port. */
	start(): Promise<void>;
	/** Stops the server and deletes everything. */
	remove(): Promise<void>;
};

// Root may not run PostgreSQL: the server then runs as this user (Debian's
// package creates it; nobody works too).
const SERVER_USER = ['postgres', 'nobody'].find((user) => {
	try {
		execFileSync('id', ['-u', user], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
});

/**
 * Creates and starts a cluster, owned by an unprivileged user when the
 * tests run as root. Tests run it with fsync and synchronous commit off
 * (nothing there must survive a crash, and commits then cost no disk
 * flush); `durable: true` keeps PostgreSQL's defaults (fsync,
 * synchronous_commit, full_page_writes on), as a production database runs
 * and as the bench measures it.
 *
 * @example
 * const cluster = await startPostgres();
 * const url = await cluster.createDatabase();
 * afterAll(() => cluster.remove());
 * const measured = await startPostgres({durable: true});
 */
export async function startPostgres({durable = false}: {durable?: boolean} = {}): Promise<PostgresCluster> {
	if (!postgresBin) {
		throw new Error('No PostgreSQL binaries: apt-get install -y postgresql');
	}

	const bin = postgresBin;
	const dir = mkdtempSync(join(tmpdir(), 'signet-pg-'));
	const data = join(dir, 'data');
	const asRoot = process.getuid?.() === 0;
	if (asRoot) {
		if (SERVER_USER === undefined) {
			throw new Error('Running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as');
		}

		const uid = Number(execFileSync('id', ['-u', SERVER_USER], {encoding: 'utf8'}));
		const gid = Number(execFileSync('id', ['-g', SERVER_USER], {encoding: 'utf8'}));
		chownSync(dir, uid, gid);
	}

	const run = (tool: string, args: string[]) => command(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', SERVER_USER!, '--', join(bin, tool), ...args] : args, dir);
	await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '-N', '--no-instructions']);
	let port = 0;
	const start = () => {
		const fast = durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
		const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}${fast} -c max_connections=200`;
		return run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', options, 'start']);
	};
	const stop = (mode: string) => run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
	// The free port may be taken between asking and binding (other suites
	// listen too): then another one, three tries in all.
	for (let attempt = 1; ; attempt++) {
		port = await freePort();
		try {
			await start();
			break;
		} catch (error) {
			if (attempt === 3) {
				rmSync(dir, {recursive: true, force: true});
				throw error;
			}
		}
	}

	// A test run that dies still stops its server.
	const cleanUp = () => {
		try {
			execFileSync(asRoot ? 'runuser' : join(bin, 'pg_ctl'), [...(asRoot ? ['-u', SERVER_USER!, '--', join(bin, 'pg_ctl')] : []), '-D', data, '-m', 'immediate', 'stop'], {stdio: 'ignore'});
		} catch {}

		rmSync(dir, {recursive: true, force: true});
	};

	process.once('exit', cleanUp);
	let databases = 0;
	return {
		port,
		dataDir: data,
		async createDatabase() {
			const name = `signet_${++databases}`;
			const admin = new pg.Client({connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`});
			await admin.connect();
			try {
				await admin.query(`CREATE DATABASE ${name}`);
			} finally {
				await admin.end();
			}

			return `postgres://postgres@127.0.0.1:${port}/${name}`;
		},
		stop: () => stop('fast'),
		crash: () => stop('immediate'),
		start,
		async remove() {
			process.off('exit', cleanUp);
			await stop('immediate').catch(() => {});
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

// Waits for the tool to exit, not for its pipes to close: pg_ctl's server
// child lives on after it.
function command(file: string, args: string[], dir: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(file, args, {stdio: ['ignore', 'ignore', 'pipe'], env: {PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC'}});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		child.on('error', reject);
		child.on('exit', (code) => {
			if (code === 0) {
				resolve();
				return;
			}

			const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-2000) : '';
			reject(new Error(`${args.find((arg) => arg.includes('/bin/')) ?? file} failed (${code}): ${stderr}${log}`));
		});
	});
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}

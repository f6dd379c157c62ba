// `npm run bench -- instructions [reference|postgres|postgres-changing|bare …]`: what one
// identify costs each target in CPU instructions on its main thread (the
// one that limits its requests/s), counted by valgrind's callgrind. Unlike
// requests/s and CPU time, an instruction count does not move when other
// tenants slow this machine down by half for a few seconds, so it is the
// figure to compare two versions of the code by; it does not see cache
// misses, which requests/s does.
//
// Each target runs under `valgrind --tool=callgrind --separate-threads=yes`;
// a keep-alive client on loopback sends a warm-up of identify calls (so V8
// has optimised the code and the store is full), then callgrind's counters
// are zeroed, `count` more calls are sent, and the counters dumped.
import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import http from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {identifyBodies, PAGE_ORIGIN} from './api-users.mjs';
import {startBenchDatabase} from './postgres.mjs';
import {round} from './stats.mjs';

/** Whether valgrind is installed (Debian's valgrind package). */
export function hasValgrind() {
	try {
		execFileSync('valgrind', ['--version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

// The bodies of one run, made once: the counted calls are page reloads of
// the visitors the warm-up made (the same hash and expiration, as a page
// that loads again sends), not 1,000 new proofs.
const bodies = new Map();

// Sends `count` identify calls over `connections` keep-alive connections,
// with `change` a metadata of the call's own in each; answers how many were not 2xx.
async function send(port, count, prefix, client, change = false, connections = 8) {
	const name = `${client?.clientToken ?? 'default'}${change ? ' changing' : ''}`;
	if (!bodies.has(name)) {
		bodies.set(name, identifyBodies(Date.now(), client, {metadata: !change}).map((body) => JSON.stringify(body).slice(1)));
	}

	const tails = bodies.get(name);
	const agent = new http.Agent({keepAlive: true, maxSockets: connections});
	let sent = 0;
	let failed = 0;
	const one = (n) =>
		new Promise((resolve, reject) => {
			const body = `{"messageId":"${prefix}-${n}",${change ? `"metadata":{"visit":${n}},` : ''}${tails[n % tails.length]}`;
			const headers = {'Content-Type': 'text/plain;charset=UTF-8', Origin: PAGE_ORIGIN, 'Content-Length': Buffer.byteLength(body)};
			const request = http.request({host: '127.0.0.1', port, method: 'POST', path: '/v1/identify', agent, headers}, (response) => {
				failed += response.statusCode >= 300 ? 1 : 0;
				response.resume().on('end', resolve);
			});
			// A kept-alive socket the server closed while this machine paused (valgrind, other tenants): sent again on a new one, as Node's docs advise.
			request.on('error', (error) => (request.reusedSocket && error.code === 'ECONNRESET' ? one(n).then(resolve, reject) : reject(error)));
			request.end(body);
		});
	await Promise.all(
		Array.from({length: connections}, async () => {
			while (sent < count) {
				await one(sent++);
			}
		}),
	);
	agent.destroy();
	return failed;
}

/**
 * Instructions per identify of one target (a kind of api-target.mjs), in
 * thousands: `mainThread` on its main thread, `otherThreads` on the others
 * (V8's compiler and garbage-collector helpers).
 */
export async function countInstructions(kind, {warmUp = 10_000, count = 3_000, env = process.env} = {}) {
	const dir = mkdtempSync(join(tmpdir(), 'signet-callgrind-'));
	const target = new URL('api-target.mjs', import.meta.url).pathname;
	const child = spawn('valgrind', ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${join(dir, 'out.%p')}`, process.execPath, target, kind], {
		env: {...env, SIGNET_BENCH_PRINT_PORT: '1'},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	try {
		let printed = '';
		const port = await new Promise((resolve, reject) => {
			child.stdout.on('data', (chunk) => {
				printed += chunk;
				const match = /^port (\d+)$/m.exec(printed);
				if (match) {
					resolve(Number(match[1]));
				}
			});
			child.once('exit', (code) => reject(new Error(`bench: the ${kind} target exited (${code}) under valgrind`)));
		});
		const runId = Date.now().toString(36);
		// A registry target names the client it made (token and secret) before its port.
		const [, clientToken, secret] = /^client (\S+) (\S+)$/m.exec(printed) ?? [];
		const client = clientToken === undefined ? undefined : {clientToken, secret};
		const change = kind === 'postgres-changing';
		const failedWarmUp = await send(port, warmUp, `${runId}-warm`, client, change);
		execFileSync('callgrind_control', ['--zero', String(child.pid)], {stdio: 'ignore'});
		const failed = await send(port, count, `${runId}-count`, client, change);
		execFileSync('callgrind_control', ['--dump', String(child.pid)], {stdio: 'ignore'});
		let main = 0;
		let others = 0;
		for (const file of readdirSync(dir)) {
			const text = readFileSync(join(dir, file), 'utf8');
			const total = /^summary: (\d+)/m.exec(text);
			// Part 1 is the dump after zeroing; thread 1 is the main thread.
			if (total === null || !/^part: 1$/m.test(text)) {
				continue;
			}

			if (/^thread: 1$/m.test(text)) {
				main += Number(total[1]);
			} else {
				others += Number(total[1]);
			}
		}

		return {mainThread: round(main / count / 1000, 1), otherThreads: round(others / count / 1000, 1), requests: count, warmUp, non2xx: failed + failedWarmUp};
	} finally {
		child.kill('SIGKILL');
		rmSync(dir, {recursive: true, force: true});
	}
}

/** Counts every target asked for (the last is the floor the others are divided by). */
export async function measureInstructions({targets: wanted = ['reference', 'postgres', 'bare'], log = console.log} = {}) {
	if (!hasValgrind()) {
		log('  instructions not counted: valgrind is not installed (apt-get install valgrind)');
		return {skipped: 'valgrind is not installed'};
	}

	const onDatabase = (kind) => kind === 'postgres' || kind === 'postgres-changing';
	const database = wanted.some(onDatabase) ? await startBenchDatabase() : undefined;
	try {
		const results = {};
		for (const kind of wanted) {
			if (onDatabase(kind) && database?.url === undefined) {
				results[kind] = {skipped: database?.skipped};
				continue;
			}

			results[kind] = await countInstructions(kind, onDatabase(kind) ? {env: {...process.env, DATABASE_URL: database.url}} : {});
			log(`  ${kind}: ${results[kind].mainThread}k instructions per identify on the main thread, ${results[kind].otherThreads}k on others`);
		}

		const floor = results[wanted.at(-1)];
		for (const kind of wanted.slice(0, -1)) {
			if (results[kind].mainThread !== undefined) {
				results[kind].timesFloor = round(results[kind].mainThread / floor.mainThread);
			}
		}

		return {tool: 'valgrind --tool=callgrind', floor: wanted.at(-1), targets: results};
	} finally {
		await database?.close?.();
	}
}

// Starts reference-API processes (test/support/api-process.mjs) on one
// database, and stops them: the stand-in for several instances behind a
// load balancer.
import {type ChildProcess, spawn} from 'node:child_process';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

const SCRIPT = fileURLToPath(new URL('api-process.mjs', import.meta.url));

// A test run that dies takes its API processes with it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of running) {
		child.kill('SIGKILL');
	}
});

/** A running API process. @example await fetch(`${api.url}/v1/identify`, {method: 'POST', body}); await api.kill(); */
export type ApiProcess = {
	url: string;
	/** SIGKILL: the crash, nothing closed cleanly. */
	kill(): Promise<void>;
	/** SIGTERM: a clean stop. */
	stop(): Promise<void>;
};

/**
 * Starts one API process on `databaseUrl` with a handler configuration
 * (JSON-able: clients, rateLimit…) and answers once it listens.
 *
 * @example
 * const api = await startApiProcess(url, {clients: {ct: {secrets: ['sk']}}});
 * await fetch(`${api.url}/v1/identify`, …);
 * await api.stop();
 */
export function startApiProcess(databaseUrl: string, config: Record<string, unknown>): Promise<ApiProcess> {
	const child = spawn(process.execPath, [SCRIPT], {
		env: {...process.env, DATABASE_URL: databaseUrl, SIGNET_API_CONFIG: JSON.stringify(config)},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	running.add(child);
	child.once('exit', () => running.delete(child));
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`the API process did not start within 30 s: ${stderr}`));
		}, 30_000);
		const early = (code: number | null) => {
			clearTimeout(timer);
			reject(new Error(`the API process exited (${code}) before listening: ${stderr}`));
		};
		child.once('exit', early);
		createInterface({input: child.stdout!}).once('line', (line) => {
			clearTimeout(timer);
			child.off('exit', early);
			const {url} = JSON.parse(line) as {url: string};
			resolve({url, kill: () => ended(child, 'SIGKILL'), stop: () => ended(child, 'SIGTERM')});
		});
	});
}

function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) {
		return Promise.resolve();
	}

	return new Promise((resolve) => {
		child.once('exit', () => resolve());
		child.kill(signal);
	});
}

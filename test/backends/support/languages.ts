// The backend languages of examples/backends/, each run through its harness
// (harness.py, .rb, .php, .go, .mjs beside this file): one process per
// language per vectors file, Go built once per test file. A language whose
// toolchain is missing is skipped with the reason printed, or fails when
// SIGNET_REQUIRE_BACKENDS=1 (CI installs every toolchain).
import {type ChildProcess, spawn, spawnSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, it} from 'vitest';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../../examples/backends/', import.meta.url));
// Debian's python3-jwt and python3-flask are installed for /usr/bin/python3, not for a pyenv one on PATH.
const PYTHON = '/usr/bin/python3';
const GO_JWT = '/usr/share/gocode/src/github.com/golang-jwt/jwt';

// The folders a test file makes (the Go build, PHP's sessions), removed after it.
const folders: string[] = [];
afterAll(() => {
	for (const folder of folders.splice(0)) {
		rmSync(folder, {recursive: true, force: true});
	}
});

function temporaryFolder(prefix: string): string {
	const folder = mkdtempSync(join(tmpdir(), prefix));
	folders.push(folder);
	return folder;
}

export type LanguageName = 'node' | 'python' | 'ruby' | 'php' | 'go';

/** How to run one language's harness. */
export type Language = {
	name: LanguageName;
	/** The token algorithms its snippet signs. */
	algorithms: string[];
	/** The command and arguments of the harness in `mode` (hash, token, serve), with the serve port. */
	command(mode: 'hash' | 'token' | 'serve', port?: number): Promise<[string, string[]]>;
};

function check(command: string, args: string[]): boolean {
	return spawnSync(command, args, {stdio: 'ignore', timeout: 30_000}).status === 0;
}

// Why a language cannot run here (and the Debian packages that fix it), or undefined when it can.
const PROBLEMS: Record<LanguageName, () => string | undefined> = {
	node: () => undefined,
	python: () => (check(PYTHON, ['-c', 'import jwt, cryptography, flask']) ? undefined : `${PYTHON} cannot import jwt, cryptography and flask (apt-get install python3-jwt python3-flask)`),
	ruby: () => (check('ruby', ['-e', 'require "jwt"; require "sinatra/base"; require "webrick"']) ? undefined : 'ruby with jwt, sinatra and webrick is missing (apt-get install ruby ruby-jwt ruby-sinatra)'),
	php: () => (check('php', ['-r', 'exit(function_exists("openssl_sign") && function_exists("hash_hmac") ? 0 : 1);']) ? undefined : 'php with openssl is missing (apt-get install php-cli)'),
	go: () => (check('go', ['version']) && check('test', ['-d', GO_JWT]) ? undefined : 'go or golang-jwt is missing (apt-get install golang-go golang-github-golang-jwt-jwt-dev)'),
};

let goBinary: Promise<string> | undefined;

// The Go snippets and the harness as one package main, built against Debian's golang-jwt, offline.
function buildGo(): Promise<string> {
	goBinary ??= (async () => {
		const folder = temporaryFolder('signet-go-');
		for (const file of readdirSync(join(EXAMPLES, 'go')).filter((name) => name.endsWith('.go'))) {
			copyFileSync(join(EXAMPLES, 'go', file), join(folder, file));
		}

		copyFileSync(join(HERE, 'harness.go'), join(folder, 'harness.go'));
		writeFileSync(
			join(folder, 'go.mod'),
			`module signetharness\n\ngo 1.19\n\nrequire github.com/golang-jwt/jwt/v4 v4.0.0\n\nreplace github.com/golang-jwt/jwt/v4 => ${GO_JWT}\n`,
		);
		// One cache for all runs (it is only a cache): a second build takes a second, not six.
		const env = {...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', GOCACHE: join(tmpdir(), 'signet-go-cache'), GO111MODULE: 'on'};
		await run('go', ['build', '-o', 'harness', '.'], '', {cwd: folder, env});
		return join(folder, 'harness');
	})();
	return goBinary;
}

/** Every language, in the README's order. */
export const LANGUAGES: Language[] = [
	{name: 'node', algorithms: ['HS256', 'ES256', 'EdDSA'], command: async (mode) => [process.execPath, [join(HERE, 'harness.mjs'), mode]]},
	{name: 'python', algorithms: ['HS256', 'ES256', 'EdDSA'], command: async (mode) => [PYTHON, [join(HERE, 'harness.py'), mode]]},
	{name: 'ruby', algorithms: ['HS256', 'ES256'], command: async (mode) => ['ruby', [join(HERE, 'harness.rb'), mode]]},
	{
		name: 'php',
		algorithms: ['HS256', 'ES256'],
		command: async (mode, port) =>
			mode === 'serve'
				? ['php', ['-d', `session.save_path=${temporaryFolder('signet-php-')}`, '-S', `127.0.0.1:${port}`, join(HERE, 'harness.php')]]
				: ['php', [join(HERE, 'harness.php'), mode]],
	},
	{name: 'go', algorithms: ['HS256', 'ES256', 'EdDSA'], command: async (mode) => [await buildGo(), [mode]]},
];

/**
 * `describe` for one language: skipped with the reason printed when its
 * toolchain is missing, or a failing test when SIGNET_REQUIRE_BACKENDS=1.
 */
export function describeLanguage(language: Language, suite: () => void): void {
	const problem = PROBLEMS[language.name]();
	if (problem !== undefined && process.env.SIGNET_REQUIRE_BACKENDS === '1') {
		describe(language.name, () => {
			it('has its toolchain (SIGNET_REQUIRE_BACKENDS=1)', () => {
				throw new Error(`${language.name}: ${problem}`);
			});
		});
		return;
	}

	if (problem !== undefined) {
		console.warn(`${language.name} backend tests skipped: ${problem} (SIGNET_REQUIRE_BACKENDS=1 makes this a failure)`);
	}

	describe.skipIf(problem !== undefined)(language.name, suite);
}

/**
 * Runs a language's harness in `mode` with `input` on stdin and answers its
 * parsed JSON line.
 *
 * @example
 * const {hashes} = await runHarness(python, 'hash', vectorsText);
 */
export async function runHarness<T>(language: Language, mode: 'hash' | 'token', input: string): Promise<T> {
	const [command, args] = await language.command(mode);
	return JSON.parse(await run(command, args, input)) as T;
}

/**
 * Runs a command to its end within 60 s and answers its stdout; a non-zero
 * exit or a timeout throws with its stderr.
 */
function run(command: string, args: string[], input: string, options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {...options, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.once('error', reject);
		child.once('close', (code, signal) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} ended with ${code ?? signal}: ${stderr}`))));
		child.stdin.end(input);
	});
}

// A test run that dies takes its route servers with it.
const serving = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of serving) {
		child.kill('SIGKILL');
	}
});

/** A running route server of one language. */
export type Route = {url: string; stop(): Promise<void>};

/**
 * Starts a language's framework route on 127.0.0.1:`port` with `env` (its
 * secrets) and answers once it accepts connections.
 */
export async function startRoute(language: Language, port: number, env: Record<string, string>): Promise<Route> {
	const [command, args] = await language.command('serve', port);
	const child: ChildProcess = spawn(command, args, {env: {...process.env, ...env, PORT: String(port)}, stdio: ['ignore', 'ignore', 'pipe']});
	serving.add(child);
	child.once('exit', () => serving.delete(child));
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const url = `http://127.0.0.1:${port}`;
	const stop = () =>
		new Promise<void>((done) => {
			if (child.exitCode !== null || child.signalCode !== null) return done();
			child.once('exit', () => done());
			child.kill('SIGTERM');
		});
	for (let waited = 0; waited < 30_000; waited += 100) {
		if (child.exitCode !== null) break;
		const answered = await fetch(`${url}/api/signet-identity`).then(
			() => true,
			() => false,
		);
		if (answered) return {url, stop};
		await new Promise((done) => setTimeout(done, 100));
	}

	await stop();
	throw new Error(`the ${language.name} route did not start: ${stderr}`);
}

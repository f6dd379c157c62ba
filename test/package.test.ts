// What npm would publish, tried as a new user would: the tarball that
// `npm pack` makes from a copy of the sources with no dist/ at all (so the
// prepack build is what ships), linted with publint and attw, installed
// into a fresh project that type-checks the examples of the README and docs/ under strict
// TypeScript, and bundled for a browser. Nothing here touches the
// repository's own dist/, which the other suites are reading.
import {execFile} from 'node:child_process';
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {publint} from 'publint';
import {formatMessage} from 'publint/utils';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {documentationFiles, README_GLOBALS, readmeExamples} from './support/readme-examples';

const run = promisify(execFile);
const ROOT = new URL('../', import.meta.url).pathname;
const MODULES = join(ROOT, 'node_modules');
const bin = (name: string) => join(MODULES, '.bin', name);

let work: string;
let tarball: string;
let files: string[];
// The installed package, as a fresh project sees it.
let project: string;

async function tar(...args: string[]): Promise<string> {
	return (await run('tar', args, {maxBuffer: 16 * 1024 * 1024})).stdout;
}

beforeAll(async () => {
	work = mkdtempSync(join(tmpdir(), 'signet-pack-'));
	// A clean clone's files (what git tracks that the build reads), plus a stale file the build must remove.
	const clone = join(work, 'clone');
	mkdirSync(clone);
	for (const entry of ['src', 'build', 'package.json', 'README.md', 'LICENSE', 'rollup.config.mjs', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.server.json']) {
		cpSync(join(ROOT, entry), join(clone, entry), {recursive: true});
	}

	mkdirSync(join(clone, 'dist'));
	writeFileSync(join(clone, 'dist', 'stale.mjs'), 'export const old = 1;\n');
	symlinkSync(MODULES, join(clone, 'node_modules'), 'dir');
	const {stdout} = await run('npm', ['pack', '--json', '--pack-destination', work, '--no-audit', '--no-fund'], {cwd: clone, maxBuffer: 16 * 1024 * 1024});
	const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{filename: string}>;
	tarball = join(work, packed!.filename);
	files = (await tar('-tzf', tarball)).split('\n').filter(Boolean).map((file) => file.replace(/^package\//, ''));

	project = join(work, 'project');
	const installed = join(project, 'node_modules', 'signet-js');
	mkdirSync(installed, {recursive: true});
	await tar('-xzf', tarball, '-C', installed, '--strip-components=1');
	// Its dependencies and what the examples use, from the shared install: no network.
	for (const name of ['jose', 'pg', 'react', 'react-dom', 'vue', '@vue', '@types']) {
		symlinkSync(join(MODULES, name), join(project, 'node_modules', name), 'dir');
	}
}, 480_000);

afterAll(() => {
	if (work) {
		rmSync(work, {recursive: true, force: true});
	}
});

describe('the tarball', () => {
	it('ships the build of an emptied dist/, the licence and the README, and no sources', () => {
		expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/signet.mjs', 'dist/signet.umd.js', 'dist/signet.d.ts', 'dist/snippet.min.js', 'dist/server.mjs', 'dist/server.cjs', 'dist/server.d.ts', 'dist/server.d.cts', 'dist/server-browser.mjs', 'dist/react.mjs', 'dist/react.d.ts', 'dist/vue.mjs', 'dist/vue.d.ts']));
		expect(files).not.toContain('dist/stale.mjs');
		expect(files.filter((file) => !file.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(file))).toEqual([]);
	});

	it('passes publint with no message at all, suggestions included', async () => {
		const buffer = readFileSync(tarball);
		const {messages, pkg} = await publint({pack: {tarball: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength)}, level: 'suggestion', strict: true});
		expect(messages.map((message) => formatMessage(message, pkg))).toEqual([]);
	});

	it('passes attw with nothing but the ESM-only note for the browser entries', async () => {
		const report = join(work, 'attw.json');
		// attw exits 1 when it finds any problem; the report says which.
		await run(bin('attw'), [tarball, '--format', 'json'], {maxBuffer: 64 * 1024 * 1024}).then(
			({stdout}) => writeFileSync(report, stdout),
			(error: {stdout: string}) => writeFileSync(report, error.stdout),
		);
		const {analysis} = JSON.parse(readFileSync(report, 'utf8')) as {analysis: {problems: Array<{kind: string; entrypoint: string; resolutionKind: string}>}};
		const problems = analysis.problems.map(({kind, entrypoint, resolutionKind}) => `${entrypoint} ${resolutionKind}: ${kind}`);
		expect(problems.filter((problem) => !/^\.(\/react|\/vue)? node16-cjs: CJSResolvesToESM$/.test(problem))).toEqual([]);
		expect(problems).toContain('. node16-cjs: CJSResolvesToESM');
	}, 120_000);
});

describe('installed into a fresh strict TypeScript project', () => {
	const compilerOptions = {
		strict: true,
		exactOptionalPropertyTypes: true,
		noEmit: true,
		skipLibCheck: false,
		target: 'ES2022',
		lib: ['ES2022', 'DOM', 'DOM.Iterable'],
		types: ['node'],
		jsx: 'react-jsx',
	};

	function writeExamples(folder: string, module: 'esm' | 'cjs'): string[] {
		const directory = join(project, folder);
		mkdirSync(directory, {recursive: true});
		writeFileSync(join(directory, 'package.json'), JSON.stringify({type: module === 'esm' ? 'module' : 'commonjs'}));
		// The README as the tarball ships it; the pages of docs/, which it links to, from the repository.
		const sources = documentationFiles(ROOT).map((file) => ({name: file.replace(/\W+/g, '-'), markdown: readFileSync(file === 'README.md' ? join(project, 'node_modules/signet-js/README.md') : join(ROOT, file), 'utf8')}));
		const examples = sources.flatMap(({name, markdown}) => readmeExamples(markdown).map((example) => ({...example, name})));
		for (const example of examples) {
			writeFileSync(join(directory, `${example.name}-line-${example.line}.tsx`), example.code);
		}

		writeFileSync(join(directory, 'globals.d.ts'), README_GLOBALS);
		return examples.map((example) => `${example.name} line ${example.line}`);
	}

	async function typecheck(folder: string, options: object): Promise<string> {
		const directory = join(project, folder);
		writeFileSync(join(directory, 'tsconfig.json'), JSON.stringify({compilerOptions: {...compilerOptions, ...options}, include: ['*.tsx', '*.ts']}));
		try {
			await run(bin('tsc'), ['-p', directory], {cwd: directory, maxBuffer: 16 * 1024 * 1024});
			return '';
		} catch (error) {
			return (error as {stdout: string}).stdout.replaceAll(directory, '');
		}
	}

	it('compiles every TypeScript and JavaScript example of the README and docs/ under moduleResolution bundler', async () => {
		expect(writeExamples('bundler', 'esm').length).toBeGreaterThan(15);
		expect(await typecheck('bundler', {module: 'ESNext', moduleResolution: 'bundler'})).toBe('');
	}, 120_000);

	it('compiles every TypeScript and JavaScript example of the README and docs/ under moduleResolution nodenext', async () => {
		writeExamples('nodenext', 'esm');
		expect(await typecheck('nodenext', {module: 'NodeNext', moduleResolution: 'NodeNext'})).toBe('');
	}, 120_000);

	it('types signet-js/server for a CommonJS backend under moduleResolution node10', async () => {
		const directory = join(project, 'node10');
		mkdirSync(directory, {recursive: true});
		writeFileSync(
			join(directory, 'server.ts'),
			"import {signIdentity, verifyIdentity} from 'signet-js/server';\nimport {PostgresStore} from 'signet-js/server/postgres';\nconst signed = signIdentity(42, 'sk_test');\nconst answer: {ok: boolean} = verifyIdentity(signed, ['sk_test']);\nexport {answer, PostgresStore};\n",
		);
		expect(await typecheck('node10', {module: 'CommonJS', moduleResolution: 'node10', esModuleInterop: true})).toBe('');
	}, 120_000);
});

describe('bundled for a browser', () => {
	it('throws the guard\'s message for signet-js/server, not "(void 0) is not a function"', async () => {
		const entry = join(project, 'browser-app.mjs');
		writeFileSync(entry, "import {signIdentity} from 'signet-js/server';\nsignIdentity('42', 'sk_test');\n");
		const bundle = join(project, 'browser-bundle.mjs');
		await run(bin('esbuild'), [entry, '--bundle', '--platform=browser', '--format=esm', `--outfile=${bundle}`, '--log-level=error'], {cwd: project});
		const failure = await run(process.execPath, [bundle]).then(
			() => '',
			(error: {stderr: string}) => error.stderr,
		);
		expect(failure).toContain('the private key must stay on the server');
		expect(failure).not.toContain('is not a function');
	}, 60_000);
});

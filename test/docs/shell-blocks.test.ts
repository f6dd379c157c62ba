// The shell blocks of the README and docs/: each is run here, or says in a
// comment right above it why not (`<!-- not run: the reason -->`), so a
// command shown to a reader cannot rot unnoticed. A block marked
// `<!-- run: exits 0 … -->` runs under `set -euo pipefail` and must succeed;
// one marked `<!-- run: prints its # lines … -->` must print what its
// comment lines show. They run in a new customer project (signet-js and
// jose installed, npm offline) beside a reference API with the control
// plane on, as $API with the owner key in $OWNER.
import {execFile} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createIdentityHandler, MemoryStore, startServer} from '../../src/server/index';
import {codeBlocks, documentationFiles} from '../support/readme-examples';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OWNER = 'sok_shell_blocks_owner_key_0123456789abcdef';
const SHELL = ['sh', 'bash', 'shell', 'console'];
const blocks = documentationFiles(ROOT).flatMap((page) =>
	codeBlocks(readFileSync(join(ROOT, page), 'utf8'))
		.filter((block) => SHELL.includes(block.language))
		.map((block) => ({...block, where: `${page} line ${block.line}`})),
);
const runnable = blocks.filter((block) => /^run: /.test(block.marker ?? ''));

type Ran = {code: number; output: string};

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
	return new Promise((resolve) => {
		execFile('bash', ['-c', script], {cwd, env, timeout: 60_000, maxBuffer: 4 * 1024 * 1024}, (error, stdout, stderr) => {
			resolve({code: error ? ((error as {code?: number}).code ?? 1) : 0, output: `${stdout}${stderr}`});
		});
	});
}

const words = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('shell blocks of the README and docs/', () => {
	let api: {url: string; close(): Promise<void>};
	let project: string;
	let env: NodeJS.ProcessEnv;

	beforeAll(async () => {
		const handler = createIdentityHandler({clients: {}, store: new MemoryStore(), admin: {ownerKey: OWNER}});
		await handler.ready;
		api = await startServer(handler);
		// A customer's project: signet-js (this repository, built) and jose installed, the signet-js command on its path.
		project = mkdtempSync(join(tmpdir(), 'signet-shell-'));
		mkdirSync(join(project, 'node_modules', '.bin'), {recursive: true});
		writeFileSync(join(project, 'package.json'), JSON.stringify({name: 'customer-app', private: true, dependencies: {'signet-js': '*', jose: '*'}}));
		symlinkSync(ROOT, join(project, 'node_modules', 'signet-js'), 'dir');
		symlinkSync(join(ROOT, 'node_modules', 'jose'), join(project, 'node_modules', 'jose'), 'dir');
		// What npm makes of the package's bin on install: an executable that runs dist/cli.mjs (the build writes it without the x bit).
		writeFileSync(join(project, 'node_modules', '.bin', 'signet-js'), `#!/bin/sh\nexec node ${JSON.stringify(join(ROOT, 'dist', 'cli.mjs'))} "$@"\n`, {mode: 0o755});
		env = {...process.env, API: api.url, OWNER, npm_config_offline: 'true', npm_config_update_notifier: 'false'};
	});

	afterAll(async () => {
		await api?.close();
		if (project) rmSync(project, {recursive: true, force: true});
	});

	it('each is run here or says why not', () => {
		expect(blocks.length).toBeGreaterThan(5);
		const unexplained = blocks.filter((block) => !/^(run: (exits 0|prints its # lines)\b|not run: .{10,})/.test(block.marker ?? ''));
		expect(unexplained.map((block) => block.where)).toEqual([]);
		expect(runnable.length).toBeGreaterThan(0);
	});

	it.each(runnable.map((block) => [block.where, block] as const))('%s runs as shown', async (_, block) => {
		if (block.marker!.startsWith('run: exits 0')) {
			const ran = await bash(`set -euo pipefail\n${block.code}`, project, env);
			expect(ran, ran.output).toMatchObject({code: 0});
		} else {
			// Its comment lines are what it prints.
			const shown = block.code
				.split('\n')
				.filter((line) => line.startsWith('#'))
				.map((line) => line.replace(/^#\s?/, ''));
			expect(shown.length).toBeGreaterThan(0);
			const ran = await bash(block.code, project, env);
			expect(words(ran.output)).toContain(words(shown.join(' ')));
		}
	}, 90_000);

	it('the rotation of the control plane does every step it names, in order', async () => {
		const rotation = runnable.find((block) => block.code.includes('/v1/admin/clients'));
		expect(rotation).toBeDefined();
		const ran = await bash(`set -euo pipefail\n${rotation!.code}`, project, env);
		expect(ran.code).toBe(0);
		const audit = (await (await fetch(`${api.url}/v1/admin/audit`, {headers: {authorization: `Bearer ${OWNER}`}})).json()) as {events: Array<{action: string; clientToken?: string; changes?: Record<string, unknown>}>};
		const token = audit.events[0]!.clientToken;
		const actions = audit.events.filter((event) => event.clientToken === token).map((event) => event.action).reverse();
		expect(actions).toEqual(['client.create', 'key.create', 'key.create', 'key.retire', 'client.update', 'key.delete']);
	}, 90_000);
});

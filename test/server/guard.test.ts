import {spawnSync} from 'node:child_process';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {describe, expect, it} from 'vitest';

const esm = fileURLToPath(new URL('../../dist/server.mjs', import.meta.url));
const cjs = fileURLToPath(new URL('../../dist/server.cjs', import.meta.url));
const browserEntry = fileURLToPath(new URL('../../dist/server-browser.mjs', import.meta.url));
const MESSAGE = /private key must stay on the server/;

// A fresh Node made to look like a browser: a `window`, and no `process`
// (kept aside only to print the outcome).
function loadLikeABrowser(load: string, type: 'module' | 'commonjs'): string {
	const script = `
		const saved = globalThis.process;
		globalThis.window = {};
		delete globalThis.process;
		try {
			${load};
			saved.stdout.write('loaded');
		} catch (error) {
			saved.stdout.write('threw: ' + error.message);
		}`;
	const run = spawnSync(process.execPath, [`--input-type=${type}`, '-e', script], {encoding: 'utf8'});
	return run.stdout + run.stderr;
}

describe('signet-js/server outside Node', () => {
	it('throws at import in a browser-like environment, saying the private key must stay on the server (ESM)', () => {
		const outcome = loadLikeABrowser(`await import(${JSON.stringify(pathToFileURL(esm).href)})`, 'module');
		expect(outcome).toMatch(/^threw: /);
		expect(outcome).toMatch(MESSAGE);
	});

	it('throws at require in a browser-like environment too (CJS)', () => {
		const outcome = loadLikeABrowser(`require(${JSON.stringify(cjs)})`, 'commonjs');
		expect(outcome).toMatch(/^threw: /);
		expect(outcome).toMatch(MESSAGE);
	});

	it('loads normally in Node, window or not', () => {
		const run = spawnSync(process.execPath, ['--input-type=module', '-e', `globalThis.window = {}; const m = await import(${JSON.stringify(pathToFileURL(esm).href)}); process.stdout.write(typeof m.signIdentity);`], {encoding: 'utf8'});
		expect(run.stdout).toBe('function');
	});

	it("throws at import from the bundle a browser bundler gets (the 'browser' export condition)", async () => {
		await expect(import(/* @vite-ignore */ pathToFileURL(browserEntry).href)).rejects.toThrow(MESSAGE);
	});
});

// On a machine without Chromium the browser suites are skipped, and say so;
// with SIGNET_REQUIRE_BROWSER=1 a missing browser fails the run instead.
// Proved by running one browser suite in a child vitest with CHROMIUM_PATH
// pointing at nothing.
import {execFile} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {expect, it} from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

function runWithoutChromium(required: '0' | '1'): Promise<{code: number; output: string}> {
	// The child must not think it is a worker of this run.
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
	Object.assign(env, {CHROMIUM_PATH: '/nonexistent/chromium', SIGNET_REQUIRE_BROWSER: required, NO_COLOR: '1', FORCE_COLOR: '0'});
	return new Promise((done) => {
		execFile(process.execPath, [VITEST, 'run', 'test/e2e/wire.test.ts'], {cwd: ROOT, env, timeout: 60_000}, (error, stdout, stderr) => {
			done({code: error ? ((error as {code?: number}).code ?? 1) : 0, output: stdout + stderr});
		});
	});
}

it.concurrent('skips the browser suites with a clear message when there is no Chromium', async () => {
	const {code, output} = await runWithoutChromium('0');
	expect(output).toContain('browser suites skipped: no Chromium (');
	expect(output).toMatch(/Tests\s+\d+ skipped/);
	expect(code).toBe(0);
}, 60_000);

it.concurrent('fails instead when SIGNET_REQUIRE_BROWSER=1 and there is no Chromium', async () => {
	const {code, output} = await runWithoutChromium('1');
	expect(output).toContain('SIGNET_REQUIRE_BROWSER=1');
	expect(output).toMatch(/Tests\s+1 failed/);
	expect(code).not.toBe(0);
}, 60_000);

// On a machine without Chromium the browser suites are skipped, and say so;
// with SIGNET_REQUIRE_BROWSER=1 a missing browser fails the run instead.
// Proved by running one browser suite in a child vitest with CHROMIUM_PATH
// pointing at nothing.
import {expect, it} from 'vitest';
import {runVitestChild} from '../support/child-vitest';

const runWithoutChromium = (required: '0' | '1') => runVitestChild('test/e2e/wire.test.ts', {CHROMIUM_PATH: '/nonexistent/chromium', SIGNET_REQUIRE_BROWSER: required});

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

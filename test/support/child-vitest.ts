// Runs one test file in a child vitest with some environment changed, for
// the suites that prove how a missing tool (Chromium, PostgreSQL) is told.
import {execFile} from 'node:child_process';
import {fileURLToPath} from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

/**
 * Runs `file` (relative to the repository) in a child vitest with `env`
 * added, and answers its exit code and everything it printed.
 *
 * @example
 * const {code, output} = await runVitestChild('test/e2e/wire.test.ts', {CHROMIUM_PATH: '/nonexistent'});
 */
export function runVitestChild(file: string, env: Record<string, string>): Promise<{code: number; output: string}> {
	// The child must not think it is a worker of this run.
	const childEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
	Object.assign(childEnv, env, {NO_COLOR: '1', FORCE_COLOR: '0'});
	return new Promise((done) => {
		execFile(process.execPath, [VITEST, 'run', file], {cwd: ROOT, env: childEnv, timeout: 60_000}, (error, stdout, stderr) => {
			done({code: error ? ((error as {code?: number}).code ?? 1) : 0, output: stdout + stderr});
		});
	});
}

// The API reference (`npm run docs`, TypeDoc into the ignored docs/api/) is
// made from the JSDoc of the public entries only: an export without
// documentation, or a {@link} to nothing, is a warning, and typedoc.json
// treats warnings as errors, so the reference cannot drift from the code.
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../', import.meta.url).pathname;

describe('the generated API reference', () => {
	it('builds from the public entries with no warning: every export documented, every link resolved', async () => {
		const {stdout, stderr, code} = await run(`${ROOT}node_modules/.bin/typedoc`, ['--emit', 'none'], {cwd: ROOT, maxBuffer: 16 * 1024 * 1024}).then(
			(done) => ({...done, code: 0}),
			(error: {stdout: string; stderr: string; code: number}) => error,
		);
		expect(stdout + stderr).not.toMatch(/\[(warning|error)\]/);
		expect(code).toBe(0);
	}, 180_000);
});

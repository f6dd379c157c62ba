// What ships for signet-js/server/postgres: ESM and CJS files that export
// the store and leave `pg` to the application (an optional peer, never bundled).
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {describe, expect, it} from 'vitest';

const file = (name: string) => fileURLToPath(new URL(`../../../../dist/${name}`, import.meta.url));

describe('dist/server-postgres', () => {
	it('exports PostgresStore from the ESM and the CJS file alike', async () => {
		const esm = await import(/* @vite-ignore */ pathToFileURL(file('server-postgres.mjs')).href);
		const cjs = createRequire(import.meta.url)(file('server-postgres.cjs'));
		for (const module of [esm, cjs]) {
			expect(typeof module.PostgresStore).toBe('function');
			expect(() => new module.PostgresStore({})).toThrow('PostgresStore needs {connectionString} or {pool}');
		}
	});

	it('imports pg rather than bundling it', () => {
		expect(readFileSync(file('server-postgres.mjs'), 'utf8')).toMatch(/^import pg from 'pg';$/m);
		expect(readFileSync(file('server-postgres.cjs'), 'utf8')).toContain("require('pg')");
		expect(readFileSync(file('server-postgres.mjs'), 'utf8')).not.toContain('class Pool');
	});
});

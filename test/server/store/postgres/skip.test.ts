// On a machine without PostgreSQL the database suites are skipped, and say
// so; with SIGNET_REQUIRE_POSTGRES=1 (CI) a missing server fails the run
// instead. Proved by running one such suite in a child vitest with
// SIGNET_POSTGRES_BIN pointing at nothing.
import {expect, it} from 'vitest';
import {runVitestChild} from '../../../support/child-vitest';

const runWithoutPostgres = (required: '0' | '1') => runVitestChild('test/server/store/postgres/store.test.ts', {SIGNET_POSTGRES_BIN: '/nonexistent/postgresql/bin', SIGNET_REQUIRE_POSTGRES: required});

it.concurrent('skips the PostgreSQL suites with a clear message when there is no PostgreSQL', async () => {
	const {code, output} = await runWithoutPostgres('0');
	expect(output).toContain('PostgreSQL suites skipped: no /usr/lib/postgresql/*/bin/initdb (');
	expect(output).toMatch(/Tests\s+\d+ skipped/);
	expect(code).toBe(0);
}, 60_000);

it.concurrent('fails instead when SIGNET_REQUIRE_POSTGRES=1 and there is no PostgreSQL', async () => {
	const {code, output} = await runWithoutPostgres('1');
	expect(output).toContain('SIGNET_REQUIRE_POSTGRES=1');
	expect(output).toMatch(/Tests\s+1 failed/);
	expect(code).not.toBe(0);
}, 60_000);

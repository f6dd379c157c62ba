// The sign code the console shows with a new key, run as a customer would
// paste it, in each of its five languages: each prints the hash that
// signIdentity makes (and the API verifies) for the same user id and key.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {SECRET_VARIABLE, signSnippets} from '../../src/console/snippets';
import {signIdentity} from '../../src/server/index';

const SECRET = 'Q2xpZW50S2V5X3RoYXRfdGhlX2NvbnNvbGVfbWFkZQ';
// Not ASCII, so the key and the id must both be read as UTF-8.
const USER_ID = 'zoë-42';
const work = mkdtempSync(join(tmpdir(), 'signet-snippets-'));
afterAll(() => rmSync(work, {recursive: true, force: true}));

const code = (label: string) => signSnippets().find((snippet) => snippet.label === label)!.code;

/** How each language runs its snippet: a program around it that prints the hash of argv's user id. */
const RUNNERS: Record<string, {command: string; file: string; program: (snippet: string) => string; args?: string[]}> = {
	Node: {
		command: process.execPath,
		file: 'sign.mjs',
		// The package's own built file, where a customer's import resolves to it.
		program: (snippet) => `const user = {id: process.argv[2]};\n${snippet.replace("'signet-js/server'", JSON.stringify(new URL('../../dist/server.mjs', import.meta.url).href))}\nprocess.stdout.write(hash);`,
	},
	Python: {command: 'python3', file: 'sign.py', program: (snippet) => `import sys\n${snippet}\n\nprint(signet_hash(sys.argv[1]), end="")`},
	Ruby: {command: 'ruby', file: 'sign.rb', program: (snippet) => `${snippet}\n\nprint signet_hash(ARGV[0])`},
	PHP: {command: 'php', file: 'sign.php', program: (snippet) => `${snippet}\n\necho signet_hash($argv[1]);`},
	Go: {command: 'go', file: 'main.go', args: ['run'], program: (snippet) => `package main\n\n${snippet.replace('import (', 'import (\n\t"fmt"')}\n\nfunc main() { fmt.Print(signetHash(os.Args[1])) }`},
};

describe('the sign snippets of a new key', () => {
	it('name the key only by its variable, in every language', () => {
		expect(signSnippets().map((snippet) => snippet.label)).toEqual(Object.keys(RUNNERS));
		for (const snippet of signSnippets()) {
			expect(snippet.code).toContain(SECRET_VARIABLE);
		}
	});

	for (const [label, runner] of Object.entries(RUNNERS)) {
		it(`sign as signIdentity does: ${label}`, {timeout: 120_000}, () => {
			const file = join(work, runner.file);
			writeFileSync(file, runner.program(code(label)));
			const env = {...process.env, [SECRET_VARIABLE]: SECRET, GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'signet-go-cache'), GO111MODULE: 'off'};
			const run = spawnSync(runner.command, [...(runner.args ?? []), file, USER_ID], {env, encoding: 'utf8', cwd: work});
			expect(run.error, `${runner.command} is needed to check the ${label} snippet`).toBeUndefined();
			expect(run.stderr).toBe('');
			expect(run.stdout).toBe(signIdentity(USER_ID, SECRET).hash);
		});
	}
});

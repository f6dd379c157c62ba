// `npx signet-js check-hash`, run as a customer's developer runs it: the
// built dist/cli.mjs in a child process, the key in an environment
// variable. A right hash passes; a wrong one is refused, naming the
// signing mistake when it is a usual one; the key is never printed.
import {execFile} from 'node:child_process';
import {createHmac} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {signIdentity} from '../../src/server/index';

const CLI = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url));
const SECRET = 'c2lnbmV0LWtleS0yMDI2LWJhc2U2NA=='; // looks like base64, as many keys do
const LATER = '2099-11-21T12:00:00.000Z';
const hmac = (key: string | Buffer, message: string) => createHmac('sha256', key).update(message).digest('hex');

type Run = {code: number; stdout: string; stderr: string};

function checkHashCli(args: string[], env: Record<string, string> = {SIGNET_SECRET: SECRET}): Promise<Run> {
	return new Promise((resolve) => {
		execFile(process.execPath, [CLI, 'check-hash', ...args], {env: {PATH: process.env.PATH ?? '', ...env}, timeout: 30_000}, (error, stdout, stderr) => {
			resolve({code: error ? Number(error.code) : 0, stdout, stderr});
		});
	});
}

const check = (userId: string, hash: string, expiration?: string) =>
	checkHashCli(['--secret-env', 'SIGNET_SECRET', '--user-id', userId, '--hash', hash, ...(expiration === undefined ? [] : ['--expiration', expiration])]);

describe('npx signet-js check-hash', () => {
	it('is the package\'s bin, built with a shebang', () => {
		const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {bin: Record<string, string>};
		expect(pkg.bin).toEqual({'signet-js': './dist/cli.mjs'});
		expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
	});

	it('says a right hash is right, hex or base64, with or without an expiration, and exits 0', async () => {
		const runs = await Promise.all([
			check('42', signIdentity('42', SECRET).hash),
			check('José', signIdentity('José', SECRET, {encoding: 'base64'}).hash),
			check('42', signIdentity('42', SECRET, {expiration: LATER}).hash, LATER),
		]);
		for (const run of runs) {
			expect(run).toMatchObject({code: 0, stdout: expect.stringMatching(/^✓ the hash is right for user id/)});
		}
	});

	it.each([
		['letter case', 'user_id_case', () => check('Ada@example.com', signIdentity('ada@example.com', SECRET).hash)],
		['whitespace', 'user_id_whitespace', () => check('42', hmac(SECRET, '42\n'))],
		['number format', 'user_id_number_format', () => check('42', hmac(SECRET, '42.0'))],
		['key encoding', 'key_encoding', () => check('42', hmac(Buffer.from(SECRET, 'base64'), '42'))],
		['key and message swapped', 'key_and_message_swapped', () => check('42', hmac('42', SECRET))],
		['expiration format', 'expiration_format', () => check('42', hmac(SECRET, `42\n${LATER.replace('.000Z', 'Z')}`), LATER)],
	])('names the cause of a hash signed with the wrong %s, and exits 1', async (_, hint, run) => {
		const {code, stdout} = await run();
		expect(code).toBe(1);
		expect(stdout).toMatch(new RegExp(`^✗ the hash does not match this user id and key: .+ \\(hint: ${hint}\\)`));
	});

	it('says when no usual mistake explains a wrong hash, and when a right one has expired', async () => {
		const [unknown, expired] = await Promise.all([
			check('42', hmac('another key entirely', '42')),
			check('42', signIdentity('42', SECRET, {expiration: '2020-01-01T00:00:00.000Z'}).hash, '2020-01-01T00:00:00.000Z'),
		]);
		expect(unknown).toMatchObject({code: 1, stdout: expect.stringMatching(/no usual mistake explains it/)});
		expect(expired).toMatchObject({code: 1, stdout: expect.stringMatching(/right but expired/)});
	});

	it('refuses an expiration not in the signed form and a hash that is no digest, saying what the form is', async () => {
		const [expiration, hash] = await Promise.all([check('42', signIdentity('42', SECRET).hash, '2099-11-21T12:00:00Z'), check('42', '0x1234')]);
		expect(expiration).toMatchObject({code: 1, stdout: expect.stringMatching(/YYYY-MM-DDTHH:mm:ss\.sssZ/)});
		expect(hash).toMatchObject({code: 1, stdout: expect.stringMatching(/64 hex characters or 44 base64/)});
	});

	it('takes the key only from an environment variable: --secret is refused, an unset variable named, and the key never printed', async () => {
		const runs = await Promise.all([
			checkHashCli(['--secret', SECRET, '--user-id', '42', '--hash', hmac(SECRET, '42')]),
			checkHashCli(['--secret-env', 'NOT_SET', '--user-id', '42', '--hash', hmac(SECRET, '42')]),
			checkHashCli(['--user-id', '42']),
		]);
		expect(runs[0]).toMatchObject({code: 2, stderr: expect.stringMatching(/environment variable \(--secret-env NAME\), never from an argument/)});
		expect(runs[1]).toMatchObject({code: 2, stderr: expect.stringMatching(/NOT_SET is not set/)});
		expect(runs[2]).toMatchObject({code: 2, stderr: expect.stringMatching(/required/)});
		const wrong = await check('42', hmac('42', SECRET));
		for (const {stdout, stderr} of [...runs, wrong]) {
			expect(stdout + stderr).not.toContain(SECRET);
			expect(stdout + stderr).not.toContain(hmac(SECRET, '42'));
		}
	});
});

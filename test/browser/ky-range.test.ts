// @vitest-environment jsdom
// The ESM build leaves ky to the app, and package.json accepts ky ^1.7.5.
// Every other suite runs on the low end (1.7.5, what the lock installs and
// the script-tag file bundles); this one bundles the SDK with the high end
// (ky 1.14, installed as ky-latest) and checks what depends on ky: the
// request, the retry after a 503 with Retry-After, and the typed errors.
import {execFileSync} from 'node:child_process';
import {mkdirSync, readFileSync, rmSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {afterAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {respond} from '../support/fault-server';
import {ENFORCE, freshPage, sign, startApi} from './helpers';

type Sdk = typeof import('../../src/browser/index');

const KY_LATEST = resolve('node_modules/ky-latest/package.json');
const kyVersion = JSON.parse(readFileSync(KY_LATEST, 'utf8')).version as string;
// Inside the project, where the test runner resolves modules.
const directory = resolve(`node_modules/.cache/signet-ky-range-${process.pid}`);
mkdirSync(directory, {recursive: true});
afterAll(() => rmSync(directory, {recursive: true, force: true}));

// The SDK from its sources, with every `import 'ky'` answered by
// ky-latest. esbuild's own process: its API refuses jsdom's TextEncoder.
execFileSync(resolve('node_modules/.bin/esbuild'), [
	'src/browser/index.ts',
	'--bundle',
	'--format=esm',
	'--platform=browser',
	'--alias:ky=ky-latest',
	`--outfile=${join(directory, 'signet.mjs')}`,
	'--log-level=warning',
]);
const sdk = (await import(/* @vite-ignore */ join(directory, 'signet.mjs'))) as Sdk;
const bundled = readFileSync(join(directory, 'signet.mjs'), 'utf8');

const api = await startApi();
const {faults} = api;

beforeEach(() => {
	freshPage(faults);
	vi.spyOn(console, 'warn').mockImplementation(() => {});
});

describe(`the SDK on the newest ky the range accepts`, () => {
	it('bundles ky 1.14, not the 1.7 the other suites use', () => {
		expect(kyVersion).toMatch(/^1\.14\./);
		// ky 1.14 has retry jitter options 1.7 lacks: proof the alias took.
		expect(bundled).toContain('jitter');
	});

	it('verifies a signed user with one text/plain request', async () => {
		const client = sdk.createClient({clientToken: ENFORCE, apiHost: api.url, timeoutMs: 5000, retries: 2});
		const result = await client.identifyUser('ky-1', {plan: 'pro'}, sign('ky-1'));

		expect(result).toMatchObject({userId: 'ky-1', verified: true, variables: {plan: 'pro'}});
		expect(faults.requests).toHaveLength(1);
		expect(faults.requests[0]!.headers['content-type']).toBe('text/plain;charset=UTF-8');
	});

	it('retries a 503 after its Retry-After and keeps the message id', async () => {
		faults.script(respond(503, {headers: {'Retry-After': '1'}, body: {error: {code: 'unavailable', message: 'later'}}}));
		const client = sdk.createClient({clientToken: ENFORCE, apiHost: api.url, timeoutMs: 5000, retries: 2});
		const result = await client.identifyUser('ky-2', {}, sign('ky-2'));

		expect(result.verified).toBe(true);
		expect(faults.requests).toHaveLength(2);
		expect(faults.requests[1]!.body.messageId).toBe(faults.requests[0]!.body.messageId);
	});

	it('turns a 403 into IdentityVerificationError with nothing of ky chained to it', async () => {
		const client = sdk.createClient({clientToken: ENFORCE, apiHost: api.url, timeoutMs: 5000, retries: 2});
		const error = await client.identifyUser('ky-3', {}, sign('someone-else')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(sdk.IdentityVerificationError);
		expect(error).toMatchObject({code: 'hash_invalid'});
		expect((error as Error).cause).toBeUndefined();
		expect(faults.requests).toHaveLength(1);
	});

	it('turns a 500 that stays into ApiError once the retries are spent', async () => {
		faults.script(respond(500, {body: {error: {code: 'server_error', message: 'boom'}}}), {times: 3});
		const client = sdk.createClient({clientToken: ENFORCE, apiHost: api.url, timeoutMs: 5000, retries: 2});
		const error = await client.identifyUser('ky-4', {}, sign('ky-4')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(sdk.ApiError);
		expect(error).toMatchObject({status: 500});
		expect(faults.requests).toHaveLength(3);
	});
});

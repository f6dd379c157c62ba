// @vitest-environment jsdom
// What the page sees of verification: verified, refused (enforcement on:
// fallback to anonymous) and monitor mode (enforcement off: a warning).
import {afterEach, beforeEach, describe, expect, it, vi, type MockInstance} from 'vitest';
import {IdentityVerificationError, type IdentityResult} from '../../src/browser/index';
import {respond} from '../support/fault-server';
import {clientOf, collect, ENFORCE, freshPage, MONITOR, sign, sleep, startApi, type TestApi, until, WRONG_HASH} from './helpers';

const api = await startApi();
// The API's clock runs 10 minutes ahead: a hash the page believes valid for
// 2 more minutes has expired there (beyond its 60 s of clock skew).
const ahead = await startApi({clockAheadMs: 10 * 60_000});

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
	freshPage(api.faults, ahead.faults);
	warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	vi.restoreAllMocks();
});

/** The verification a code is provoked with, and the API that answers it. */
const CASES: Array<[code: 'hash_missing' | 'hash_invalid' | 'hash_expired', server: () => TestApi, verification: (userId: string) => {hash?: string; expiration?: string}]> = [
	['hash_missing', () => api, () => ({})],
	['hash_invalid', () => api, () => ({hash: WRONG_HASH})],
	['hash_expired', () => ahead, (userId) => sign(userId, new Date(Date.now() + 2 * 60_000))],
];

describe('verified', () => {
	it('resolves verified with the variables, and getVariable reads them', async () => {
		const client = clientOf(api);
		const identified = collect<IdentityResult>((handler) => client.on('identified', handler));

		const result = await client.identifyUser('v1', {plan: 'pro'}, sign('v1'));

		expect(result).toEqual({userId: 'v1', anonymousId: client.getAnonymousId(), verified: true, variables: {greeting: 'hi v1', plan: 'pro'}});
		expect(client.getIdentity()).toEqual({status: 'verified', userId: 'v1', anonymousId: client.getAnonymousId(), error: null});
		expect(client.getVariable('greeting', 'hello')).toBe('hi v1');
		expect(client.getVariable('missing', 'fallback')).toBe('fallback');
		expect(client.getVariable('toString', 'fallback')).toBe('fallback');
		expect(identified).toEqual([result]);
		expect(warn).not.toHaveBeenCalled();
	});

	it('gives a copy of the variables: changing the result changes nothing in the SDK', async () => {
		const client = clientOf(api);
		const result = await client.identifyUser('v2', {}, sign('v2'));

		result.variables.greeting = 'tampered';

		expect(client.getVariable('greeting', 'x')).toBe('hi v2');
	});
});

describe('enforcement on', () => {
	it.each(CASES)('rejects %s with IdentityVerificationError and falls back to anonymous', async (code, server, verification) => {
		const client = clientOf(server());
		// A verified user first, so there are variables and a session to lose.
		await client.identifyUser('f0', {}, sign('f0'));
		expect(client.getVariable('greeting', 'fallback')).toBe('hi f0');
		const anonymousId = client.getAnonymousId();
		const rejected = collect<IdentityVerificationError>((handler) => client.on('rejected', handler));
		const errors = collect((handler) => client.on('error', handler));

		const error = await client.identifyUser('f1', {plan: 'pro'}, verification('f1')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(IdentityVerificationError);
		expect(error).toMatchObject({name: 'IdentityVerificationError', code});
		expect(client.getIdentity()).toEqual({status: 'rejected', userId: null, anonymousId, error});
		expect(rejected).toEqual([error]);
		expect(errors).toEqual([]);
		expect(warn).toHaveBeenCalledTimes(1);
		expect(String(warn.mock.calls[0]![0])).toContain(code);
		expect(client.getVariable('greeting', 'fallback')).toBe('fallback');
		expect(sessionStorage.getItem(`signet:${ENFORCE}:session`)).toBeNull();
		expect(server().faults.requests).toHaveLength(2);
	});

	it('names the likely cause in the warning', async () => {
		const client = clientOf(api);

		await client.identifyUser('f2').catch(() => {});

		expect(String(warn.mock.calls[0]![0])).toMatch(/hash_missing.*sign/i);
	});

	it('names the mistake the API recognised: hint on the error, hint and the API\'s words in the warning', async () => {
		const client = clientOf(api);
		// The backend signed "h7"; the page sends " h7".
		const error = await client.identifyUser(' h7', {}, sign('h7')).catch((caught: unknown) => caught);

		expect(error).toMatchObject({name: 'IdentityVerificationError', code: 'hash_invalid', hint: 'user_id_whitespace'});
		expect(warn).toHaveBeenCalledTimes(1);
		expect(String(warn.mock.calls[0]![0])).toMatch(/hash_invalid, user_id_whitespace: .*surrounding whitespace.*sign exactly the id the page sends/);
	});

	it('carries on: a later valid identify is verified again', async () => {
		const client = clientOf(api);
		await client.identifyUser('f3', {}, {hash: WRONG_HASH}).catch(() => {});

		await expect(client.identifyUser('f3', {}, sign('f3'))).resolves.toMatchObject({verified: true});
		expect(client.getIdentity()).toMatchObject({status: 'verified', userId: 'f3', error: null});
		expect(client.getVariable('greeting', 'fallback')).toBe('hi f3');
	});

	it('keeps a throwing rejected handler from breaking the call or the page', async () => {
		const client = clientOf(api);
		const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
		client.on('rejected', () => {
			throw new Error('handler bug');
		});
		const after = collect((handler) => client.on('rejected', handler));

		await expect(client.identifyUser('f4')).rejects.toMatchObject({code: 'hash_missing'});

		expect(consoleError).toHaveBeenCalledTimes(1);
		expect(after).toHaveLength(1);
	});

	it('never causes an unhandled rejection when the page ignores the promise', async () => {
		const unhandled: unknown[] = [];
		const listener = (reason: unknown) => unhandled.push(reason);
		process.on('unhandledRejection', listener);
		try {
			const client = clientOf(api, {retries: 0});
			api.faults.script(respond(503));

			// Each promise is dropped on the floor: a 503 (retries: 0), a 403, a bad argument, no identity, an expired hash.
			void client.identifyUser('u1');
			void client.identifyUser('u2', {}, {hash: WRONG_HASH});
			void client.identifyUser('');
			void client.updateUser({plan: 'pro'});
			void clientOf(ahead).identifyUser('u3', {}, sign('u3', new Date(Date.now() + 2 * 60_000)));

			await until(() => api.faults.requests.length === 2 && ahead.faults.requests.length === 1 && client.getIdentity().status === 'rejected', 5000, 'the calls');
			// Unhandled rejections are reported after the microtask queue drains.
			await sleep(50);

			expect(unhandled).toEqual([]);
		} finally {
			process.off('unhandledRejection', listener);
		}
	});
});

describe('monitor mode (enforcement off)', () => {
	it.each(CASES)('resolves %s as unverified and warns once that enforcement would reject it', async (code, server, verification) => {
		const client = clientOf(server(), {clientToken: MONITOR});
		const rejected = collect((handler) => client.on('rejected', handler));
		const identified = collect<IdentityResult>((handler) => client.on('identified', handler));

		const result = await client.identifyUser('m1', {plan: 'pro'}, verification('m1'));

		expect(result).toEqual({userId: 'm1', anonymousId: client.getAnonymousId(), verified: false, variables: {}});
		expect(client.getIdentity()).toMatchObject({status: 'unverified', userId: 'm1', error: null});
		expect(identified).toEqual([result]);
		expect(rejected).toEqual([]);
		expect(warn).toHaveBeenCalledTimes(1);
		const message = String(warn.mock.calls[0]![0]);
		expect(message).toContain(code);
		expect(message).toMatch(/enforcement/i);
		expect(client.getVariable('greeting', 'fallback')).toBe('fallback');
		expect(sessionStorage.getItem(`signet:${MONITOR}:session`)).toBeNull();
	});

	it('does not warn for a valid hash', async () => {
		const client = clientOf(api, {clientToken: MONITOR});

		await expect(client.identifyUser('m2', {}, sign('m2'))).resolves.toMatchObject({verified: true});
		expect(warn).not.toHaveBeenCalled();
	});

	it('names the mistake the API recognised, in words, in the monitor warning', async () => {
		const client = clientOf(api, {clientToken: MONITOR});
		// The backend lower-cased the id it signed.
		await expect(client.identifyUser('Ada@Example.com', {}, sign('ada@example.com'))).resolves.toMatchObject({verified: false});

		expect(warn).toHaveBeenCalledTimes(1);
		expect(String(warn.mock.calls[0]![0])).toMatch(/enforcement.*hash_invalid, user_id_case: .*another letter case/);
	});
});

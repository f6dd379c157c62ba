// @vitest-environment jsdom
// init() and createClient(): option checks, identify at init, calls before
// init, and isolated instances.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {createContext, runInContext} from 'node:vm';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {clientOf, ENFORCE, freshPage, MONITOR, sign, startApi} from './helpers';

const api = await startApi();
const {faults} = api;

type Sdk = typeof import('../../src/browser/index');

// A fresh copy of the package per test: the named exports share a default
// client that lives as long as its module.
let sdk: Sdk;
beforeEach(async () => {
	freshPage(faults);
	vi.spyOn(console, 'warn').mockImplementation(() => {});
	vi.resetModules();
	sdk = await import('../../src/browser/index');
});
afterEach(() => {
	vi.restoreAllMocks();
});

const valid = () => ({clientToken: ENFORCE, apiHost: api.url, timeoutMs: 5000, retries: 1});

describe('invalid options', () => {
	it.each([
		['no options', undefined],
		['null options', null],
		['a string as options', 'ct_sdk_enforce'],
		['no clientToken', {apiHost: 'https://api.example.com'}],
		['an empty clientToken', {clientToken: '', apiHost: 'https://api.example.com'}],
		['a blank clientToken', {clientToken: '   ', apiHost: 'https://api.example.com'}],
		['a number as clientToken', {clientToken: 42, apiHost: 'https://api.example.com'}],
		['no apiHost', {clientToken: 'ct_1'}],
		['an empty apiHost', {clientToken: 'ct_1', apiHost: ''}],
		['an apiHost without a scheme', {clientToken: 'ct_1', apiHost: 'api.example.com'}],
		['an ftp apiHost', {clientToken: 'ct_1', apiHost: 'ftp://api.example.com'}],
		['a javascript: apiHost', {clientToken: 'ct_1', apiHost: 'javascript:alert(1)'}],
		['an apiHost with a query', {clientToken: 'ct_1', apiHost: 'https://api.example.com/?v=1'}],
		['an apiHost with a fragment', {clientToken: 'ct_1', apiHost: 'https://api.example.com#x'}],
		['an apiHost without a host', {clientToken: 'ct_1', apiHost: 'https://'}],
		['a URL object as apiHost', {clientToken: 'ct_1', apiHost: new URL('https://api.example.com')}],
		['timeoutMs 0', {clientToken: 'ct_1', apiHost: 'https://api.example.com', timeoutMs: 0}],
		['a negative timeoutMs', {clientToken: 'ct_1', apiHost: 'https://api.example.com', timeoutMs: -1}],
		['timeoutMs NaN', {clientToken: 'ct_1', apiHost: 'https://api.example.com', timeoutMs: Number.NaN}],
		['timeoutMs Infinity', {clientToken: 'ct_1', apiHost: 'https://api.example.com', timeoutMs: Number.POSITIVE_INFINITY}],
		['timeoutMs as a string', {clientToken: 'ct_1', apiHost: 'https://api.example.com', timeoutMs: '300'}],
		['timeoutMs as a boolean', {clientToken: 'ct_1', apiHost: 'https://api.example.com', timeoutMs: true}],
		['negative retries', {clientToken: 'ct_1', apiHost: 'https://api.example.com', retries: -1}],
		['fractional retries', {clientToken: 'ct_1', apiHost: 'https://api.example.com', retries: 1.5}],
		['21 retries', {clientToken: 'ct_1', apiHost: 'https://api.example.com', retries: 21}],
		['retries as a string', {clientToken: 'ct_1', apiHost: 'https://api.example.com', retries: '2'}],
		['debug as a string', {clientToken: 'ct_1', apiHost: 'https://api.example.com', debug: 'yes'}],
		['debug as a number', {clientToken: 'ct_1', apiHost: 'https://api.example.com', debug: 1}],
		['refreshIdentity that is not a function', {clientToken: 'ct_1', apiHost: 'https://api.example.com', refreshIdentity: {url: '/sign'}}],
		['fetch that is not a function', {clientToken: 'ct_1', apiHost: 'https://api.example.com', fetch: 'fetch'}],
		['storage as a string', {clientToken: 'ct_1', apiHost: 'https://api.example.com', storage: 'local'}],
		['storage as a number', {clientToken: 'ct_1', apiHost: 'https://api.example.com', storage: 42}],
	])('init() refuses %s with invalid_options', async (_name, options) => {
		const error = await sdk.init(options as never).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(sdk.InvalidArgumentError);
		expect(error).toMatchObject({name: 'InvalidArgumentError', code: 'invalid_options'});
		// Still not initialised: later calls say so.
		await expect(sdk.identifyUser('42')).rejects.toMatchObject({code: 'not_initialized'});
	});

	it.each(['secret', 'privateKey', 'secretKey', 'private_key', 'clientSecret', 'PRIVATEKEY'])(
		'init() refuses an option named %s, saying the key belongs on the server',
		async (name) => {
			const error = await sdk.init({...valid(), [name]: 'sk_live_123'} as never).catch((caught: unknown) => caught);

			expect(error).toBeInstanceOf(sdk.InvalidArgumentError);
			expect(error).toMatchObject({code: 'invalid_options'});
			expect((error as Error).message).toMatch(/server/i);
			expect((error as Error).message).not.toContain('sk_live_123');
			expect(faults.requests).toHaveLength(0);
		},
	);

	it('init() refuses a user with a bad id, and sends nothing', async () => {
		await expect(sdk.init({...valid(), user: {id: ''}})).rejects.toMatchObject({code: 'invalid_user_id'});
		await expect(sdk.init({...valid(), user: 'u1' as never})).rejects.toMatchObject({code: 'invalid_user_id'});
		await expect(sdk.init({...valid(), user: {id: 'u1', hash: 'nope'}})).rejects.toMatchObject({code: 'invalid_hash'});
		expect(faults.requests).toHaveLength(0);
	});

	it('createClient() throws InvalidArgumentError synchronously for bad options', () => {
		expect(() => sdk.createClient({clientToken: '', apiHost: api.url})).toThrow(sdk.InvalidArgumentError);
		expect(() => sdk.createClient({clientToken: 'ct_1', apiHost: 'nope'})).toThrow(expect.objectContaining({code: 'invalid_options'}));
		expect(() => sdk.createClient({...valid(), secret: 'sk'} as never)).toThrow(/server/i);
		expect(() => sdk.createClient({...valid(), timeoutMs: -5})).toThrow(expect.objectContaining({code: 'invalid_options'}));
	});

	it('accepts an apiHost with trailing slashes and drops them', async () => {
		await sdk.init({...valid(), apiHost: `${api.url}//`});
		await sdk.identifyUser('t1', {}, sign('t1'));

		expect(faults.requests[0]!.path).toBe('/v1/identify');
	});
});

// A long apiHost must cost time in proportion to its length: a check that
// backtracks is quadratic, and one call with a 1 MB string would freeze the
// page for half an hour. The built file runs in a VM context whose timeout
// can interrupt a running regular expression; 10 s is a bound on what must
// take milliseconds (a quadratic check takes 1.6 s at 30k characters), not a
// measurement.
describe('an apiHost of 1 MB', () => {
	const MB = 1024 * 1024;
	const umd = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../dist/signet.umd.js'), 'utf8');

	async function initInBuiltFile(apiHost: string): Promise<unknown> {
		// crypto: for the anonymous id an accepted init() makes.
		const context = createContext({crypto});
		runInContext(umd, context);
		// A fetch of its own, so that init() needs no window (nothing is sent).
		context.options = {clientToken: 'ct_1', apiHost, fetch: () => new Promise(() => {})};
		const settled = runInContext('Signet.init(options).then(() => "accepted", (error) => error.code ?? String(error))', context, {timeout: 10_000});
		return settled;
	}

	it.each([
		['a host that ends in a space', `http://${'a'.repeat(MB)} `],
		['slashes that end in a space', `http://h${'/'.repeat(MB)} `],
		['a path and slashes that end in a query', `http://h/a${'/'.repeat(MB)}x?`],
		['path segments that end in a space', `http://h${'/a'.repeat(MB / 2)} `],
	])('refuses %s at once', async (_name, apiHost) => {
		await expect(initInBuiltFile(apiHost)).resolves.toBe('invalid_options');
	});

	it.each([
		['a long path', `http://h/${'a'.repeat(MB)}`],
		['a path followed by 1 MB of trailing slashes', `http://h/a${'/'.repeat(MB)}`],
		['a path with 1 MB of slashes inside', `http://h/a${'/'.repeat(MB)}x`],
	])('accepts %s at once', async (_name, apiHost) => {
		await expect(initInBuiltFile(apiHost)).resolves.toBe('accepted');
	});
});

describe('init', () => {
	it('identifies options.user as part of init()', async () => {
		const identified = vi.fn();
		sdk.on('identified', identified);

		await sdk.init({...valid(), user: {id: 'u1', metadata: {plan: 'pro'}, ...sign('u1')}});

		expect(sdk.getIdentity()).toMatchObject({status: 'verified', userId: 'u1', error: null});
		expect(sdk.getVariable('greeting', 'fallback')).toBe('hi u1');
		expect(faults.requests).toHaveLength(1);
		expect(faults.requests[0]!.body).toMatchObject({userId: 'u1', metadata: {plan: 'pro'}});
		expect(identified).toHaveBeenCalledTimes(1);
	});

	it('resolves init() even when options.user is refused, and reports it by state and event', async () => {
		const rejected = vi.fn();
		sdk.on('rejected', rejected);

		await expect(sdk.init({...valid(), user: {id: 'u2'}})).resolves.toBeUndefined();

		expect(sdk.getIdentity()).toMatchObject({status: 'rejected', userId: null, error: {code: 'hash_missing'}});
		expect(rejected).toHaveBeenCalledTimes(1);
	});

	it('gives the page an anonymous id once initialised, and keeps it in localStorage', async () => {
		expect(sdk.getAnonymousId()).toBe('');
		await sdk.init(valid());

		const id = sdk.getAnonymousId();
		expect(id).toMatch(/^[\da-f-]{36}$/);
		expect(localStorage.getItem(`signet:${ENFORCE}:anonymousId`)).toBe(id);
		expect(sdk.getIdentity()).toEqual({status: 'anonymous', userId: null, anonymousId: id, error: null});
	});

	it('keeps the stored anonymous id of an earlier page', async () => {
		localStorage.setItem(`signet:${ENFORCE}:anonymousId`, 'f81d4fae-7dec-41d0-a765-00a0c91e6bf6');
		await sdk.init(valid());

		expect(sdk.getAnonymousId()).toBe('f81d4fae-7dec-41d0-a765-00a0c91e6bf6');
	});

	it('replaces an empty stored anonymous id, which the API would refuse', async () => {
		localStorage.setItem(`signet:${ENFORCE}:anonymousId`, '');
		await sdk.init(valid());

		expect(sdk.getAnonymousId()).toMatch(/^[\da-f-]{36}$/);
		expect(localStorage.getItem(`signet:${ENFORCE}:anonymousId`)).toBe(sdk.getAnonymousId());
		await expect(sdk.identifyUser('t0', {}, sign('t0'))).resolves.toMatchObject({verified: true});
	});

	it('accepts init() twice with the same client token', async () => {
		await sdk.init(valid());
		const id = sdk.getAnonymousId();

		await expect(sdk.init(valid())).resolves.toBeUndefined();
		expect(sdk.getAnonymousId()).toBe(id);
	});

	it('refuses init() with another client token once initialised', async () => {
		await sdk.init(valid());

		const error = await sdk.init({...valid(), clientToken: MONITOR}).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(sdk.InvalidArgumentError);
		expect(error).toMatchObject({code: 'invalid_options'});
		expect((error as Error).message).toMatch(/createClient/);
	});

	it('refuses init() with another apiHost once initialised', async () => {
		await sdk.init(valid());

		await expect(sdk.init({...valid(), apiHost: 'https://elsewhere.example.com'})).rejects.toMatchObject({code: 'invalid_options'});
	});

	it('works with storage turned off (memory only)', async () => {
		await sdk.init({...valid(), storage: {local: null, session: null}});
		await sdk.identifyUser('t2', {}, sign('t2'));

		expect(sdk.getAnonymousId()).toMatch(/^[\da-f-]{36}$/);
		expect(localStorage.length).toBe(0);
		expect(sessionStorage.length).toBe(0);
	});

	it('falls back to memory when storage throws', async () => {
		const broken = {
			getItem: () => {
				throw new DOMException('blocked', 'SecurityError');
			},
			setItem: () => {
				throw new DOMException('blocked', 'SecurityError');
			},
			removeItem: () => {
				throw new DOMException('blocked', 'SecurityError');
			},
		};
		await sdk.init({...valid(), storage: {local: broken, session: broken}});

		const result = await sdk.identifyUser('t3', {}, sign('t3'));
		expect(result.verified).toBe(true);
		expect(sdk.getAnonymousId()).toBe(result.anonymousId);
	});
});

describe('calls before init', () => {
	it.each([
		['identifyUser', (s: Sdk) => s.identifyUser('42')],
		['updateUser', (s: Sdk) => s.updateUser({plan: 'pro'})],
		['logout', (s: Sdk) => s.logout()],
	])('%s() rejects with NotInitializedError not_initialized', async (_name, call) => {
		const error = await call(sdk).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(sdk.NotInitializedError);
		expect(error).toBeInstanceOf(sdk.SignetError);
		expect(error).toMatchObject({name: 'NotInitializedError', code: 'not_initialized'});
		expect(faults.requests).toHaveLength(0);
	});

	it('answers the getters with the anonymous defaults', () => {
		expect(sdk.getIdentity()).toEqual({status: 'anonymous', userId: null, anonymousId: '', error: null});
		expect(sdk.getAnonymousId()).toBe('');
		expect(sdk.getVariable('greeting', 'fallback')).toBe('fallback');
		expect(sdk.on('identified', () => {})).toBeTypeOf('function');
	});

	it('does not even validate the arguments before init', async () => {
		await expect(sdk.identifyUser('')).rejects.toMatchObject({code: 'not_initialized'});
	});
});

describe('createClient', () => {
	it('keeps two clients isolated: tokens, anonymous ids, states and variables', async () => {
		const enforced = sdk.createClient({...valid(), clientToken: ENFORCE});
		const monitored = sdk.createClient({...valid(), clientToken: MONITOR});

		expect(enforced.getAnonymousId()).not.toBe(monitored.getAnonymousId());
		expect(localStorage.getItem(`signet:${ENFORCE}:anonymousId`)).toBe(enforced.getAnonymousId());
		expect(localStorage.getItem(`signet:${MONITOR}:anonymousId`)).toBe(monitored.getAnonymousId());

		await enforced.identifyUser('c1', {}, sign('c1'));

		expect(enforced.getIdentity()).toMatchObject({status: 'verified', userId: 'c1'});
		expect(monitored.getIdentity()).toMatchObject({status: 'anonymous', userId: null});
		expect(enforced.getVariable('greeting', 'none')).toBe('hi c1');
		expect(monitored.getVariable('greeting', 'none')).toBe('none');

		await monitored.identifyUser('c2');
		expect(monitored.getIdentity()).toMatchObject({status: 'unverified', userId: 'c2'});
		expect(enforced.getIdentity()).toMatchObject({status: 'verified', userId: 'c1'});

		expect(faults.requests.map((request) => [request.body.clientToken, request.body.anonymousId])).toEqual([
			[ENFORCE, enforced.getAnonymousId()],
			[MONITOR, monitored.getAnonymousId()],
		]);
	});

	it('keeps events of one client to that client', async () => {
		const first = clientOf(api);
		const second = clientOf(api, {clientToken: MONITOR});
		const seen: string[] = [];
		first.on('identified', () => seen.push('first'));
		second.on('identified', () => seen.push('second'));

		await first.identifyUser('c3', {}, sign('c3'));

		expect(seen).toEqual(['first']);
	});

	it('is independent of the default client', async () => {
		const client = sdk.createClient(valid());
		await client.identifyUser('c4', {}, sign('c4'));

		expect(sdk.getIdentity()).toEqual({status: 'anonymous', userId: null, anonymousId: '', error: null});
		await expect(sdk.identifyUser('c4')).rejects.toMatchObject({code: 'not_initialized'});
	});

	it('identifies options.user and resolves ready once it settled', async () => {
		const client = sdk.createClient({...valid(), user: {id: 'c5', ...sign('c5')}});

		await client.ready;

		expect(client.getIdentity()).toMatchObject({status: 'verified', userId: 'c5'});
	});
});

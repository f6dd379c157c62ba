// @vitest-environment jsdom
// The script-tag path, against the BUILT files: dist/snippet.min.js records
// calls before load, dist/signet.umd.js replays them and becomes
// window.Signet. (`npm test` builds first; after changing src/, run
// `npx rollup -c` before running this file alone.)
//
// jsdom loads no sub-resources here, so the script tag the snippet injects
// stays inert; the test evaluates the UMD file itself, in the window's
// global scope, where a browser would have run it.
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {clientOf, ENFORCE, freshPage, sign, startApi} from './helpers';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '../../dist');
const UMD_URL = 'https://cdn.jsdelivr.net/npm/signet-js@0.1.0/dist/signet.umd.js';

let snippet = '';
let umd = '';
beforeAll(() => {
	for (const file of ['snippet.min.js', 'signet.umd.js']) {
		if (!existsSync(join(DIST, file))) {
			throw new Error(`dist/${file} is missing: run \`npx rollup -c\` (npm test builds it) before this suite`);
		}
	}

	snippet = readFileSync(join(DIST, 'snippet.min.js'), 'utf8').replace('SIGNET_UMD_URL', UMD_URL);
	umd = readFileSync(join(DIST, 'signet.umd.js'), 'utf8');
});

const api = await startApi();
const {faults} = api;

type Global = Window & {Signet?: any};
const page = window as Global;

// Indirect eval: runs the code as a classic script in the window's global scope.
const pasteSnippet = () => window.eval(snippet);
const loadUmd = () => window.eval(umd);
const options = () => ({clientToken: ENFORCE, apiHost: api.url, timeoutMs: 5000, retries: 1});
const injectedScripts = () => [...document.querySelectorAll('script')].filter((script) => script.src === UMD_URL);

beforeEach(() => {
	freshPage(faults);
	delete page.Signet;
	document.head.innerHTML = '';
	vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	vi.restoreAllMocks();
});

describe('the snippet', () => {
	it('defines a stub with every method, and injects the UMD script with async', () => {
		pasteSnippet();

		expect(page.Signet).toBeTypeOf('function');
		for (const method of ['init', 'identifyUser', 'updateUser', 'logout', 'getIdentity', 'getAnonymousId', 'getVariable', 'on']) {
			expect(page.Signet[method], method).toBeTypeOf('function');
		}

		expect(page.Signet.q).toEqual([]);
		const scripts = injectedScripts();
		expect(scripts).toHaveLength(1);
		expect(scripts[0]!.async).toBe(true);
	});

	it('records calls of both forms, each answered with a promise', () => {
		pasteSnippet();

		const viaMethod = page.Signet.identifyUser('1', {plan: 'pro'});
		const viaCommand = page.Signet('identifyUser', '2', {plan: 'free'}, {hash: 'h'});

		expect(viaMethod).toBeInstanceOf(Promise);
		expect(viaCommand).toBeInstanceOf(Promise);
		expect(page.Signet.q.map(([method, args]: [string, unknown[]]) => [method, args])).toEqual([
			['identifyUser', ['1', {plan: 'pro'}]],
			['identifyUser', ['2', {plan: 'free'}, {hash: 'h'}]],
		]);
	});

	it('pasted twice, records into one stub and injects one script tag', () => {
		pasteSnippet();
		const stub = page.Signet;
		page.Signet.identifyUser('1');
		pasteSnippet();
		page.Signet('identifyUser', '2');

		expect(page.Signet).toBe(stub);
		expect(page.Signet.q).toHaveLength(2);
		expect(injectedScripts()).toHaveLength(1);
	});

	it("copies the snippet script's nonce to the injected script", () => {
		const descriptor = Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript')!;
		Object.defineProperty(document, 'currentScript', {configurable: true, get: () => ({nonce: 'n0nce'})});
		try {
			pasteSnippet();
		} finally {
			delete (document as {currentScript?: unknown}).currentScript;
		}

		expect(Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript')).toEqual(descriptor);
		expect(injectedScripts()[0]!.nonce).toBe('n0nce');
	});
});

describe('the UMD after the snippet', () => {
	it('replays the recorded calls, init first, then in call order, and settles their promises', async () => {
		pasteSnippet();
		const stub = page.Signet;
		const identified: string[] = [];
		const first = page.Signet.identifyUser('b1', {plan: 'pro'}, sign('b1'));
		const state = page.Signet('getIdentity');
		const subscribed = page.Signet.on('identified', (result: {userId: string}) => identified.push(result.userId));
		const init = page.Signet('init', options());
		const second = page.Signet('identifyUser', 'b2', {plan: 'free'}, sign('b2'));
		const variable = page.Signet.getVariable('greeting', 'fallback');

		loadUmd();

		expect(page.Signet).not.toBe(stub);
		expect(page.Signet.loaded).toBe(true);
		await expect(init).resolves.toBeUndefined();
		await expect(first).resolves.toMatchObject({userId: 'b1', verified: true, variables: {greeting: 'hi b1'}});
		await expect(second).resolves.toMatchObject({userId: 'b2', verified: true});
		await expect(state).resolves.toMatchObject({anonymousId: page.Signet.getAnonymousId()});
		await expect(variable).resolves.toBe('fallback');
		await expect(subscribed).resolves.toBeTypeOf('function');
		expect(faults.requests.map((request) => request.body.userId)).toEqual(['b1', 'b2']);
		expect(identified).toEqual(['b1', 'b2']);
		expect(page.Signet.getIdentity()).toMatchObject({status: 'verified', userId: 'b2'});
		expect(page.Signet.getVariable('greeting', 'fallback')).toBe('hi b2');
	});

	it('rejects the promises of recorded calls that fail, without unhandled rejections', async () => {
		const unhandled = vi.fn();
		process.on('unhandledRejection', unhandled);
		try {
			pasteSnippet();
			const badUser = page.Signet.identifyUser('');
			const unknown = page.Signet('identify', 'b3');
			const refused = page.Signet.identifyUser('b4');
			page.Signet.identifyUser('b5', {}, {hash: 'ab'.repeat(32)});
			page.Signet.init(options());

			loadUmd();

			await expect(badUser).rejects.toBeInstanceOf(page.Signet.InvalidArgumentError);
			await expect(badUser).rejects.toMatchObject({code: 'invalid_user_id'});
			await expect(unknown).rejects.toMatchObject({name: 'InvalidArgumentError', code: 'unknown_method'});
			await expect(refused).rejects.toBeInstanceOf(page.Signet.IdentityVerificationError);
			await vi.waitFor(() => expect(page.Signet.getIdentity().error?.code).toBe('hash_invalid'));
			await new Promise((resolve) => setTimeout(resolve, 50));
		} finally {
			process.off('unhandledRejection', unhandled);
		}

		expect(unhandled).not.toHaveBeenCalled();
	});

	it('keeps calls made before init from failing for want of it', async () => {
		pasteSnippet();
		const identify = page.Signet.identifyUser('b6', {}, sign('b6'));
		const init = page.Signet.init(options());

		loadUmd();

		await expect(init).resolves.toBeUndefined();
		await expect(identify).resolves.toMatchObject({verified: true});
	});

	it('skips what in Signet.q is not a recorded call, rejects what has a promise, and replays the rest', async () => {
		const unhandled = vi.fn();
		process.on('unhandledRejection', unhandled);
		try {
			pasteSnippet();
			const before = page.Signet.identifyUser('b7', {}, sign('b7'));
			// The queue is a plain array on window: any script of the page (or a bug in one) can write to it.
			const settlers = () => {
				let settle!: {resolve: (value: unknown) => void; reject: (reason: unknown) => void};
				const promise = new Promise((resolve, reject) => (settle = {resolve, reject}));
				// As the snippet does: looked at later, so not unhandled meanwhile.
				promise.catch(() => {});
				return {promise, settle};
			};
			const unknown = settlers();
			const hostile = settlers();
			const throwing = {toString: () => { throw new Error('toString'); }};
			const trap = new Proxy([], {get: () => { throw new Error('getter'); }});
			page.Signet.q.push(
				null,
				42,
				'init',
				{},
				undefined,
				trap,
				throwing,
				['noSuchMethod', [], unknown.settle.resolve, unknown.settle.reject],
				[throwing, [], hostile.settle.resolve, hostile.settle.reject],
				// Settlers that are not functions, or that throw: still nothing unhandled.
				['noSuchMethod', [], 1, 2],
				['getAnonymousId', [], () => { throw new Error('resolve'); }],
			);
			page.Signet.init(options());
			const after = page.Signet.identifyUser('b8', {}, sign('b8'));

			expect(loadUmd).not.toThrow();

			expect(page.Signet.loaded).toBe(true);
			await expect(before).resolves.toMatchObject({userId: 'b7', verified: true});
			await expect(after).resolves.toMatchObject({userId: 'b8', verified: true});
			await expect(unknown.promise).rejects.toMatchObject({name: 'InvalidArgumentError', code: 'unknown_method'});
			await expect(hostile.promise).rejects.toMatchObject({name: 'InvalidArgumentError', code: 'unknown_method'});
			await new Promise((resolve) => setTimeout(resolve, 50));
		} finally {
			process.off('unhandledRejection', unhandled);
		}

		expect(unhandled).not.toHaveBeenCalled();
		expect(faults.requests.map((request) => request.body.userId)).toEqual(['b7', 'b8']);
	});
});

describe('the UMD global', () => {
	it('works without the snippet, from a plain script tag', async () => {
		loadUmd();

		expect(page.Signet).toBeTypeOf('function');
		expect(page.Signet.loaded).toBe(true);
		await page.Signet.init(options());
		await expect(page.Signet.identifyUser('g1', {}, sign('g1'))).resolves.toMatchObject({verified: true});
	});

	it('has every method and error class, and no createClient', () => {
		loadUmd();

		for (const method of ['init', 'identifyUser', 'updateUser', 'logout', 'getIdentity', 'getAnonymousId', 'getVariable', 'on']) {
			expect(page.Signet[method], method).toBeTypeOf('function');
		}

		for (const name of ['SignetError', 'InvalidArgumentError', 'NotInitializedError', 'IdentityVerificationError', 'NetworkError', 'ApiError']) {
			expect(page.Signet[name], name).toBeTypeOf('function');
			expect(new page.Signet[name]('x', 'y')).toBeInstanceOf(page.Signet.SignetError);
		}

		expect(page.Signet.createClient).toBeUndefined();
	});

	it('keeps both call forms working after load, the command form answering what the method answers', async () => {
		loadUmd();
		await page.Signet('init', options());
		const verification = sign('g2');

		const viaCommand = await page.Signet('identifyUser', 'g2', {plan: 'pro'}, verification);
		const viaMethod = await page.Signet.identifyUser('g2', {plan: 'pro'}, verification);

		expect(viaCommand).toEqual(viaMethod);
		expect(faults.requests).toHaveLength(1);
		expect(page.Signet('getIdentity')).toEqual(page.Signet.getIdentity());
		expect(page.Signet('getVariable', 'greeting', 'x')).toBe('hi g2');
		await expect(page.Signet('nope')).rejects.toMatchObject({code: 'unknown_method'});

		// The very same promise: the command form calls the method and answers its promise.
		const answer = Promise.resolve({userId: 'g2'});
		const original = page.Signet.updateUser;
		page.Signet.updateUser = () => answer;
		try {
			expect(page.Signet('updateUser', {seats: 2})).toBe(answer);
		} finally {
			page.Signet.updateUser = original;
		}
	});

	it('rejects calls before init with NotInitializedError', async () => {
		loadUmd();

		await expect(page.Signet.identifyUser('g3')).rejects.toBeInstanceOf(page.Signet.NotInitializedError);
		await expect(page.Signet('logout')).rejects.toMatchObject({code: 'not_initialized'});
	});

	it('loaded twice, keeps the first instance and its state', async () => {
		pasteSnippet();
		page.Signet.init(options());
		const identify = page.Signet.identifyUser('g4', {}, sign('g4'));
		loadUmd();
		await identify;
		const first = page.Signet;
		const anonymousId = first.getAnonymousId();

		loadUmd();

		expect(page.Signet).toBe(first);
		expect(page.Signet.getAnonymousId()).toBe(anonymousId);
		expect(page.Signet.getIdentity()).toMatchObject({status: 'verified', userId: 'g4'});
		await page.Signet.identifyUser('g4', {}, sign('g4'));
		expect(faults.requests).toHaveLength(1);
	});

	it('keeps the same anonymous id as an npm client of the same token on this browser', async () => {
		loadUmd();
		await page.Signet.init(options());

		expect(clientOf(api).getAnonymousId()).toBe(page.Signet.getAnonymousId());
	});
});

// @vitest-environment node
// Server-side rendering: the ESM entry imports without a browser, touches
// no global, and every function answers without throwing. Run against the
// built file (dist/signet.mjs) and the source.
import {afterAll, describe, expect, it} from 'vitest';
import {createIdentityHandler, signIdentity, startServer} from '../../src/server/index';

type Sdk = typeof import('../../src/browser/index');

// Not navigator: Node 21+ has one of its own.
const server = await startServer(createIdentityHandler({clients: {ct_ssr: {secrets: ['sk_ssr'], enforce: true}}}));
afterAll(() => server.close());

const BROWSER_GLOBALS = ['window', 'document', 'localStorage', 'sessionStorage', 'Signet'];

describe.each([
	// The package's own name: its exports map sends `import 'signet-js'` to dist/signet.mjs.
	['dist/signet.mjs', () => import('signet-js') as Promise<unknown> as Promise<Sdk>],
	['src/index.ts', () => import('../../src/browser/index')],
])('%s under SSR', (_name, load) => {
	it('imports without throwing and touches no global', async () => {
		const before = new Set(Object.getOwnPropertyNames(globalThis));

		const sdk = await load();

		expect(sdk.init).toBeTypeOf('function');
		const added = Object.getOwnPropertyNames(globalThis).filter((name) => !before.has(name));
		expect(added).toEqual([]);
		for (const name of BROWSER_GLOBALS) {
			expect(typeof (globalThis as Record<string, unknown>)[name], name).toBe('undefined');
		}
	});

	it('rejects init() with unsupported_environment', async () => {
		const sdk = await load();

		const error = await sdk.init({clientToken: 'ct_ssr', apiHost: 'https://api.example.com'}).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(sdk.SignetError);
		expect(error).toMatchObject({code: 'unsupported_environment'});
		expect(typeof (globalThis as Record<string, unknown>).window).toBe('undefined');
	});

	it('rejects identifyUser, updateUser and logout with NotInitializedError', async () => {
		const sdk = await load();
		await sdk.init({clientToken: 'ct_ssr', apiHost: 'https://api.example.com'}).catch(() => {});

		for (const call of [() => sdk.identifyUser('42'), () => sdk.updateUser({plan: 'pro'}), () => sdk.logout()]) {
			const error = await call().catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(sdk.NotInitializedError);
			expect(error).toMatchObject({code: 'not_initialized'});
		}
	});

	it('answers the getters with the anonymous defaults', async () => {
		const sdk = await load();

		expect(sdk.getIdentity()).toEqual({status: 'anonymous', userId: null, anonymousId: '', error: null});
		expect(sdk.getAnonymousId()).toBe('');
		expect(sdk.getVariable('greeting', 'fallback')).toBe('fallback');
		const off = sdk.on('identified', () => {});
		expect(off).toBeTypeOf('function');
		expect(() => off()).not.toThrow();
	});

	it('makes a createClient() made during a render answer unsupported_environment instead of throwing', async () => {
		const sdk = await load();

		const client = sdk.createClient({clientToken: 'ct_ssr', apiHost: 'https://api.example.com'});

		await expect(client.identifyUser('42')).rejects.toMatchObject({name: 'SignetError', code: 'unsupported_environment'});
		await expect(client.logout()).rejects.toMatchObject({code: 'unsupported_environment'});
		await expect(client.ready).resolves.toBeUndefined();
		expect(client.getIdentity()).toEqual({status: 'anonymous', userId: null, anonymousId: '', error: null});
	});

	it('still refuses bad options in createClient() during a render', async () => {
		const sdk = await load();

		expect(() => sdk.createClient({clientToken: '', apiHost: 'https://api.example.com'})).toThrow(expect.objectContaining({code: 'invalid_options'}));
	});

	it('runs outside a browser when given a fetch option, keeping ids in memory', async () => {
		const sdk = await load();
		// The fetch seam is the documented way to run without a window: here it is Node's own fetch, to a real server.
		const client = sdk.createClient({clientToken: 'ct_ssr', apiHost: server.url, fetch: (input, init) => fetch(input, init), timeoutMs: 5000, retries: 0});

		const result = await client.identifyUser('42', {}, {hash: signIdentity('42', 'sk_ssr').hash});

		expect(result).toMatchObject({userId: '42', verified: true});
		expect(client.getAnonymousId()).toMatch(/^[\da-f-]{36}$/);
		expect(typeof (globalThis as Record<string, unknown>).localStorage).toBe('undefined');
	});
});

// Server-side rendering: the browser SDK imported in plain Node (no DOM)
// must not throw at import, and each call answers with a clear error
// instead of crashing the render.
import {execFile} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {expect, it} from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OPTIONS = {clientToken: 'ct_ssr', apiHost: 'http://127.0.0.1:9'};

// Runs in a child Node process, where `signet` resolves through the
// package's own exports map (the package is this repository).
const CHILD = `
const failures = [];
process.on('unhandledRejection', (reason) => failures.push('unhandled rejection: ' + reason));
process.on('uncaughtException', (error) => failures.push('uncaught: ' + error));
const signet = await import('signet-js');
const outcome = async (run) => {
	try {
		const value = await run();
		return {ok: true, type: typeof value, value: typeof value === 'function' ? null : value};
	} catch (error) {
		return {ok: false, name: error.name, code: error.code, signet: error instanceof signet.SignetError, message: error.message};
	}
};
const options = ${JSON.stringify(OPTIONS)};
const results = {
	resolved: import.meta.resolve('signet-js'),
	globals: [typeof window, typeof document, typeof localStorage],
	init: await outcome(() => signet.init(options)),
	identifyUser: await outcome(() => signet.identifyUser('42', {plan: 'pro'}, {hash: 'ab'.repeat(32)})),
	updateUser: await outcome(() => signet.updateUser({plan: 'pro'})),
	logout: await outcome(() => signet.logout()),
	getIdentity: await outcome(() => signet.getIdentity()),
	getAnonymousId: await outcome(() => signet.getAnonymousId()),
	getVariable: await outcome(() => signet.getVariable('plan', 'free')),
	on: await outcome(() => signet.on('identified', () => {})),
	createClient: await outcome(() => signet.createClient(options).identifyUser('42')),
};
await new Promise((done) => setTimeout(done, 50));
console.log(JSON.stringify({results, failures}));
`;

it('imports dist/signet.mjs without a DOM and answers every call with a clear error', async () => {
	expect(typeof window).toBe('undefined');
	const signet = (await import(/* @vite-ignore */ new URL('dist/signet.mjs', `file://${ROOT}`).href)) as typeof import('../../src/browser/index');

	const init = signet.init(OPTIONS);
	await expect(init).rejects.toBeInstanceOf(signet.SignetError);
	await expect(init).rejects.toMatchObject({code: 'unsupported_environment', message: expect.stringMatching(/server-side rendering/)});
	await expect(signet.identifyUser('42')).rejects.toMatchObject({name: 'NotInitializedError', code: 'not_initialized'});
	await expect(signet.updateUser({plan: 'pro'})).rejects.toMatchObject({name: 'NotInitializedError', code: 'not_initialized'});
	await expect(signet.logout()).rejects.toMatchObject({name: 'NotInitializedError', code: 'not_initialized'});
	expect(signet.getIdentity()).toEqual({status: 'anonymous', userId: null, anonymousId: '', error: null});
	expect(signet.getAnonymousId()).toBe('');
	expect(signet.getVariable('plan', 'free')).toBe('free');
	const off = signet.on('identified', () => {});
	expect(off).toBeTypeOf('function');
	off();
	// Made during a render, a client answers the error instead of throwing it.
	await expect(signet.createClient(OPTIONS).identifyUser('42')).rejects.toMatchObject({name: 'SignetError', code: 'unsupported_environment'});
	// The SDK is still usable where the customer gives it a fetch: SSR is refused, not Node itself.
	expect(() => signet.createClient({...OPTIONS, fetch: async () => new Response('{}'), storage: {local: null, session: null}})).not.toThrow();
});

it('resolves the package name through its exports map in plain Node, with the same answers', async () => {
	const {stdout} = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CHILD], {cwd: ROOT, timeout: 15_000});
	const {results, failures} = JSON.parse(stdout.trim().split('\n').at(-1)!);
	expect(failures).toEqual([]);
	expect(results.resolved).toBe(new URL('dist/signet.mjs', `file://${ROOT}`).href);
	expect(results.globals).toEqual(['undefined', 'undefined', 'undefined']);
	expect(results.init).toMatchObject({ok: false, name: 'SignetError', code: 'unsupported_environment', signet: true});
	for (const name of ['identifyUser', 'updateUser', 'logout']) {
		expect(results[name], name).toMatchObject({ok: false, name: 'NotInitializedError', code: 'not_initialized', signet: true});
	}

	expect(results.getIdentity).toEqual({ok: true, type: 'object', value: {status: 'anonymous', userId: null, anonymousId: '', error: null}});
	expect(results.getAnonymousId).toEqual({ok: true, type: 'string', value: ''});
	expect(results.getVariable).toEqual({ok: true, type: 'string', value: 'free'});
	expect(results.on).toMatchObject({ok: true, type: 'function'});
	expect(results.createClient).toMatchObject({ok: false, name: 'SignetError', code: 'unsupported_environment', signet: true});
});

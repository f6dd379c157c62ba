// The bad-input matrix: malformed calls made from a real page are refused
// with InvalidArgumentError and the code of the argument at fault, and not
// one reaches the network; the same classes of bad body posted straight to
// the reference API get 400, never 500.
import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type Api, startApi} from './support/api';
import {describeBrowser, useBrowser} from './support/browser';
import {SECRET, WRONG_SECRET, sign} from './support/secrets';
import {umdPage, useStack} from './support/stack';

type Case = [name: string, code: string, call: string];

const HEX = 'ab'.repeat(32);
const BASE64 = `${'A'.repeat(42)}A=`;

// Each call is JavaScript run in the page, where window.Signet is initialised.
const CALLS: Case[] = [
	['an empty user id', 'invalid_user_id', `Signet.identifyUser('')`],
	['a user id with a newline', 'invalid_user_id', `Signet.identifyUser('42\\n2030-01-01T00:00:00.000Z')`],
	['a user id with NUL', 'invalid_user_id', `Signet.identifyUser('4\\u00002')`],
	['a user id with DEL', 'invalid_user_id', `Signet.identifyUser('42\\u007f')`],
	['a user id with a lone high surrogate', 'invalid_user_id', `Signet.identifyUser('bob\\uD800')`],
	['a user id with a lone low surrogate', 'invalid_user_id', `Signet.identifyUser('bob\\uDC00')`],
	['a 10 kB user id', 'invalid_user_id', `Signet.identifyUser('x'.repeat(10240))`],
	['a 257-character user id', 'invalid_user_id', `Signet.identifyUser('x'.repeat(257))`],
	['NaN as user id', 'invalid_user_id', `Signet.identifyUser(NaN)`],
	['1e21 as user id', 'invalid_user_id', `Signet.identifyUser(1e21)`],
	['2**53 as user id', 'invalid_user_id', `Signet.identifyUser(2 ** 53)`],
	['a fractional user id', 'invalid_user_id', `Signet.identifyUser(4.2)`],
	['Infinity as user id', 'invalid_user_id', `Signet.identifyUser(Infinity)`],
	['a BigInt user id', 'invalid_user_id', `Signet.identifyUser(42n)`],
	['an object as user id', 'invalid_user_id', `Signet.identifyUser({id: '42'})`],
	['an array as user id', 'invalid_user_id', `Signet.identifyUser(['42'])`],
	['null as user id', 'invalid_user_id', `Signet.identifyUser(null)`],
	['no user id', 'invalid_user_id', `Signet.identifyUser()`],
	['a boolean user id', 'invalid_user_id', `Signet.identifyUser(true)`],
	['circular metadata', 'invalid_metadata', `(() => { const metadata = {plan: 'pro'}; metadata.self = metadata; return Signet.identifyUser('42', metadata); })()`],
	['metadata with a BigInt', 'invalid_metadata', `Signet.identifyUser('42', {seats: 10n})`],
	['metadata with a function', 'invalid_metadata', `Signet.identifyUser('42', {plan() { return 'pro'; }})`],
	['metadata with a symbol', 'invalid_metadata', `Signet.identifyUser('42', {plan: Symbol('pro')})`],
	['metadata with an own __proto__ key', 'invalid_metadata', `Signet.identifyUser('42', JSON.parse('{"__proto__": 1}'))`],
	['metadata with a nested __proto__ key', 'invalid_metadata', `Signet.identifyUser('42', {team: JSON.parse('{"__proto__": {"admin": true}}')})`],
	['metadata with a constructor key', 'invalid_metadata', `Signet.identifyUser('42', {constructor: {prototype: 1}})`],
	['metadata with a prototype key', 'invalid_metadata', `Signet.identifyUser('42', {prototype: 1})`],
	['metadata over 16 KiB', 'invalid_metadata', `Signet.identifyUser('42', {notes: 'x'.repeat(16 * 1024)})`],
	['metadata with NaN', 'invalid_metadata', `Signet.identifyUser('42', {seats: NaN})`],
	['metadata with undefined', 'invalid_metadata', `Signet.identifyUser('42', {seats: undefined})`],
	['metadata with a Date', 'invalid_metadata', `Signet.identifyUser('42', {since: new Date()})`],
	['metadata that is a Map', 'invalid_metadata', `Signet.identifyUser('42', new Map([['plan', 'pro']]))`],
	['metadata that is an array', 'invalid_metadata', `Signet.identifyUser('42', ['pro'])`],
	['metadata that is a string', 'invalid_metadata', `Signet.identifyUser('42', 'pro')`],
	['updateUser with circular metadata', 'invalid_metadata', `(() => { const metadata = {}; metadata.self = metadata; return Signet.updateUser(metadata); })()`],
	['updateUser without metadata', 'invalid_metadata', `Signet.updateUser()`],
	['a 63-character hex hash', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: '${HEX.slice(1)}'})`],
	['a 65-character hex hash', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: '${HEX}a'})`],
	['a 0x-prefixed hash', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: '0x${HEX}'})`],
	['a non-hex hash', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: '${'g'.repeat(64)}'})`],
	['a base64 hash one character short', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: '${BASE64.slice(1)}'})`],
	['a base64 hash one character long', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: '${BASE64.slice(0, -1)}AA'})`],
	['a base64 hash with non-zero spare bits', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: '${'A'.repeat(42)}B='})`],
	['a base64 hash mixing both alphabets', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: '+${'A'.repeat(40)}_A='})`],
	['an empty hash', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: ''})`],
	['an object as hash', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: {value: '${HEX}'}})`],
	['an array as hash', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: ['${HEX}']})`],
	['a number as hash', 'invalid_hash', `Signet.identifyUser('42', {}, {hash: 1234})`],
	['a string instead of { hash }', 'invalid_hash', `Signet.identifyUser('42', {}, '${HEX}')`],
	['an expiration that is not a date', 'invalid_expiration', `Signet.identifyUser('42', {}, {hash: '${HEX}', expiration: 'tomorrow-ish'})`],
	['an empty expiration', 'invalid_expiration', `Signet.identifyUser('42', {}, {hash: '${HEX}', expiration: ''})`],
	['"1" as expiration', 'invalid_expiration', `Signet.identifyUser('42', {}, {hash: '${HEX}', expiration: '1'})`],
	['a bare year as expiration', 'invalid_expiration', `Signet.identifyUser('42', {}, {hash: '${HEX}', expiration: '2030'})`],
	['an expiration with no zone', 'invalid_expiration', `Signet.identifyUser('42', {}, {hash: '${HEX}', expiration: '2030-11-21T12:00:00'})`],
	['an expiration with a +00:00 offset', 'invalid_expiration', `Signet.identifyUser('42', {}, {hash: '${HEX}', expiration: '2030-11-21T12:00:00.000+00:00'})`],
	['an impossible date', 'invalid_expiration', `Signet.identifyUser('42', {}, {hash: '${HEX}', expiration: '2030-13-45T00:00:00.000Z'})`],
	['new Date(NaN) as expiration', 'invalid_expiration', `Signet.identifyUser('42', {}, {hash: '${HEX}', expiration: new Date(NaN)})`],
	['a number as expiration', 'invalid_expiration', `Signet.identifyUser('42', {}, {hash: '${HEX}', expiration: 1893456000000})`],
	['an object as expiration', 'invalid_expiration', `Signet.identifyUser('42', {}, {hash: '${HEX}', expiration: {at: '2030-01-01'}})`],
	['an unknown command', 'unknown_method', `Signet('identify', '42')`],
];

// Init options, tried on a client that has never been initialised.
const OPTIONS: Case[] = [
	['a secret option', 'invalid_options', `{clientToken: 'ct_monitor', apiHost: API, secret: '${SECRET}'}`],
	['a privateKey option', 'invalid_options', `{clientToken: 'ct_monitor', apiHost: API, privateKey: '${SECRET}'}`],
	['a secretKey option', 'invalid_options', `{clientToken: 'ct_monitor', apiHost: API, secretKey: '${SECRET}'}`],
	['a private_key option', 'invalid_options', `{clientToken: 'ct_monitor', apiHost: API, private_key: '${SECRET}'}`],
	['no clientToken', 'invalid_options', `{apiHost: API}`],
	['an empty clientToken', 'invalid_options', `{clientToken: '', apiHost: API}`],
	['no apiHost', 'invalid_options', `{clientToken: 'ct_monitor'}`],
	['an ftp apiHost', 'invalid_options', `{clientToken: 'ct_monitor', apiHost: 'ftp://127.0.0.1'}`],
	['a negative timeoutMs', 'invalid_options', `{clientToken: 'ct_monitor', apiHost: API, timeoutMs: -1}`],
	['fractional retries', 'invalid_options', `{clientToken: 'ct_monitor', apiHost: API, retries: 1.5}`],
	['a refreshIdentity that is not a function', 'invalid_options', `{clientToken: 'ct_monitor', apiHost: API, refreshIdentity: 'https://example.com/sign'}`],
	['no options', 'invalid_options', `undefined`],
	['a user with an empty id', 'invalid_user_id', `{clientToken: 'ct_monitor', apiHost: API, user: {id: ''}}`],
	['a user with a malformed hash', 'invalid_hash', `{clientToken: 'ct_monitor', apiHost: API, user: {id: '42', hash: '0x${HEX}'}}`],
];

describeBrowser('bad input in the page', () => {
	const browser = useBrowser();
	const stack = useStack();

	/** Runs each case's source in the page and answers name → "ErrorName code" (or what happened instead). */
	async function outcomes(cases: Case[], prepare: string) {
		const watched = await browser.page(stack.pages.page('/bad-input.html', umdPage()));
		const seen = await watched.page.evaluate(
			async ({cases, prepare, apiHost}) => {
				const {Signet} = window as any;
				const API = apiHost;
				const run = (source: string) => (0, eval)(`(Signet, API) => ${source}`)(Signet, API);
				await run(prepare);
				let errorEvents = 0;
				Signet.on('error', () => errorEvents++);
				const answers: Record<string, string> = {};
				const messages: Record<string, string> = {};
				for (const [name, , source] of cases) {
					try {
						await run(source);
						answers[name] = 'resolved';
					} catch (error: any) {
						answers[name] = `${error instanceof Signet.InvalidArgumentError ? error.name : `not InvalidArgumentError: ${error?.name}`} ${error?.code}`;
						messages[name] = String(error?.message);
					}
				}

				return {answers, messages, errorEvents};
			},
			{cases, prepare, apiHost: stack.api.url},
		);
		return {watched, ...seen};
	}

	const expected = (cases: Case[]) => Object.fromEntries(cases.map(([name, code]) => [name, `InvalidArgumentError ${code}`]));

	it(`refuses each of ${CALLS.length} malformed calls with InvalidArgumentError and its code, and sends nothing`, async () => {
		const {answers, errorEvents, watched} = await outcomes(CALLS, `Signet.init({clientToken: 'ct_monitor', apiHost: API})`);
		expect(answers).toEqual(expected(CALLS));
		expect(stack.api.calls).toEqual([]);
		// Every refused call (the unknown command aside, which reaches no client) is also reported as an error event.
		expect(errorEvents).toBe(CALLS.length - 1);
		expect(watched.pageErrors).toEqual([]);
	});

	it(`refuses each of ${OPTIONS.length} malformed init options, a secret with a pointer to the server`, async () => {
		const cases = OPTIONS.map(([name, code, options]): Case => [name, code, `Signet.init(${options})`]);
		const {answers, messages, watched} = await outcomes(cases, 'undefined');
		expect(answers).toEqual(expected(cases));
		for (const [name] of OPTIONS.slice(0, 4)) {
			expect(messages[name], name).toMatch(/server/);
			expect(messages[name], name).not.toContain(SECRET);
		}

		expect(stack.api.calls).toEqual([]);
		// None of them left a half-made client behind: a good init still works.
		const result = await watched.page.evaluate(async (apiHost) => {
			const {Signet} = window as any;
			await Signet.init({clientToken: 'ct_monitor', apiHost});
			return Signet.identifyUser('43');
		}, stack.api.url);
		expect(result).toMatchObject({userId: '43', verified: false});
	});

	it('sends user ids that are valid though odd exactly as given (whitespace is not trimmed)', async () => {
		const controls = [`' '`, `'  42  '`, `'\u00e9t\u00e9 \u{1F600}'`, `2 ** 53 - 1`, `-7`, `0`, `'x'.repeat(256)`];
		const {page} = await browser.page(stack.pages.page('/bad-input-controls.html', umdPage()));
		const results = await page.evaluate(
			async ({controls, apiHost}) => {
				const {Signet} = window as any;
				await Signet.init({clientToken: 'ct_monitor', apiHost});
				const results = [];
				for (const source of controls) {
					results.push((await Signet.identifyUser((0, eval)(source))).userId);
				}

				return results;
			},
			{controls, apiHost: stack.api.url},
		);
		const sent = [' ', '  42  ', 'été 😀', '9007199254740991', '-7', '0', 'x'.repeat(256)];
		expect(results).toEqual(sent);
		expect(stack.api.calls.map(({body}) => body.userId)).toEqual(sent);
	});
});

describe('bad bodies posted to the reference API', () => {
	let api: Api;
	beforeAll(async () => {
		api = await startApi('http://127.0.0.1:9');
	});
	afterAll(() => api?.close());

	const identify = (fields: Record<string, unknown>) => ({clientToken: 'ct_enforce', anonymousId: randomUUID(), messageId: randomUUID(), userId: '42', ...fields});
	const json = (value: unknown) => JSON.stringify(value);
	const nested = (depth: number): unknown => (depth === 0 ? 'deep' : {level: nested(depth - 1)});

	// [name, path, raw body]; each must answer 400 invalid_request.
	const BODIES: Array<[string, string, string | Blob]> = [
		['an empty user id', '/v1/identify', json(identify({userId: ''}))],
		['a user id with a newline', '/v1/identify', json(identify({userId: '42\n2030-01-01T00:00:00.000Z'}))],
		['a user id with NUL', '/v1/identify', json(identify({userId: '4\u00002'}))],
		['a 10 kB user id', '/v1/identify', json(identify({userId: 'x'.repeat(10240)}))],
		['a numeric user id', '/v1/identify', json(identify({userId: 42}))],
		['1e21 as user id', '/v1/identify', `{"clientToken":"ct_enforce","anonymousId":"a1","messageId":"m1","userId":1e21}`],
		['null as user id', '/v1/identify', json(identify({userId: null}))],
		['an object as user id', '/v1/identify', json(identify({userId: {id: '42'}}))],
		['an array as user id', '/v1/identify', json(identify({userId: ['42']}))],
		['no user id', '/v1/identify', json(identify({userId: undefined}))],
		['metadata with an own __proto__ key', '/v1/identify', `{"clientToken":"ct_enforce","anonymousId":"a1","messageId":"m1","userId":"42","metadata":{"__proto__":{"admin":true}}}`],
		['metadata with a constructor key', '/v1/identify', json(identify({metadata: {constructor: {prototype: 1}}}))],
		['metadata over 16 KiB', '/v1/identify', json(identify({metadata: {notes: 'x'.repeat(16 * 1024)}}))],
		['metadata nested 100 deep', '/v1/identify', json(identify({metadata: nested(100)}))],
		['metadata that is an array', '/v1/identify', json(identify({metadata: ['pro']}))],
		['metadata that is a string', '/v1/identify', json(identify({metadata: 'pro'}))],
		['metadata that is null', '/v1/identify', json(identify({metadata: null}))],
		['an object as hash', '/v1/identify', json(identify({hash: {value: HEX}}))],
		['an array as hash', '/v1/identify', json(identify({hash: [HEX]}))],
		['a number as hash', '/v1/identify', json(identify({hash: 1234}))],
		['an expiration that is not a date', '/v1/identify', json(identify({hash: HEX, expiration: 'tomorrow-ish'}))],
		['an empty expiration', '/v1/identify', json(identify({hash: HEX, expiration: ''}))],
		['a number as expiration', '/v1/identify', json(identify({hash: HEX, expiration: 1893456000000}))],
		['no client token', '/v1/identify', json(identify({clientToken: undefined}))],
		['no message id', '/v1/identify', json(identify({messageId: undefined}))],
		['a 200-character message id', '/v1/identify', json(identify({messageId: 'm'.repeat(200)}))],
		['no anonymous id', '/v1/identify', json(identify({anonymousId: undefined}))],
		['a body that is not JSON', '/v1/identify', '{"clientToken": "ct_enforce",'],
		['a JSON array body', '/v1/identify', '[]'],
		['a JSON null body', '/v1/identify', 'null'],
		['an empty body', '/v1/identify', ''],
		['a body that is not UTF-8', '/v1/identify', new Blob([new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])])],
		['a body over 64 KiB', '/v1/identify', json(identify({metadata: {notes: 'x'.repeat(70 * 1024)}}))],
		['updateUser with an own __proto__ key', '/v1/user', `{"clientToken":"ct_enforce","anonymousId":"a1","messageId":"m1","metadata":{"__proto__":1}}`],
		['updateUser with metadata over 16 KiB', '/v1/user', json({clientToken: 'ct_enforce', anonymousId: 'a1', messageId: 'm1', metadata: {notes: 'x'.repeat(16 * 1024)}})],
	];

	const post = (path: string, body: string | Blob) =>
		fetch(`${api.url}${path}`, {method: 'POST', headers: {'content-type': 'text/plain;charset=UTF-8'}, body});

	it.each(BODIES)('answers 400 invalid_request, not 500, for %s', async (_, path, body) => {
		const response = await post(path, body);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({error: {code: 'invalid_request'}});
	});

	// A string hash in the wrong format is a hash that does not verify: the
	// verdict is hash_invalid, as for any wrong hash.
	it.each([
		['a 63-character hex hash', HEX.slice(1)],
		['a 0x-prefixed hash', `0x${HEX}`],
		['a non-hex hash', 'g'.repeat(64)],
		['a base64 hash one character short', BASE64.slice(1)],
		['a well-formed hash signed with another key', sign('42', {secret: WRONG_SECRET}).hash],
	])('answers hash_invalid, not 500, for %s', async (_, hash) => {
		const enforced = await post('/v1/identify', json(identify({hash})));
		expect(enforced.status).toBe(403);
		expect(await enforced.json()).toMatchObject({error: {code: 'hash_invalid'}});
		const monitored = await post('/v1/identify', json(identify({clientToken: 'ct_monitor', hash})));
		expect(monitored.status).toBe(200);
		expect(await monitored.json()).toMatchObject({verified: false, verification: 'hash_invalid'});
	});
});

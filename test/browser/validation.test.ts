// @vitest-environment jsdom
// Every argument is checked at call time: a bad one rejects with
// InvalidArgumentError and nothing reaches the network.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {signIdentity} from '../../src/server/index';
import {InvalidArgumentError, type Client} from '../../src/browser/index';
import {clientOf, freshPage, MONITOR, SECRET, sign, startApi} from './helpers';

const api = await startApi();
const {faults} = api;

const HEX = signIdentity('42', SECRET).hash;

let client: Client;
let errorEvents: unknown[];
beforeEach(() => {
	freshPage(faults);
	vi.spyOn(console, 'warn').mockImplementation(() => {});
	client = clientOf(api, {clientToken: MONITOR});
	errorEvents = [];
	client.on('error', (error) => errorEvents.push(error));
});
afterEach(async () => {
	// A refused call sends nothing, now or later.
	await client.ready;
	vi.restoreAllMocks();
});

async function expectRefused(call: Promise<unknown>, code: string): Promise<void> {
	const error = await call.catch((caught: unknown) => caught);
	expect(error).toBeInstanceOf(InvalidArgumentError);
	expect(error).toMatchObject({name: 'InvalidArgumentError', code});
	expect(errorEvents).toEqual([error]);
	expect(faults.requests).toHaveLength(0);
	// Anything queued behind it would have gone by now: the next call's request is the first.
	await client.identifyUser('after-the-bad-call');
	expect(faults.requests.map((request) => request.body.userId)).toEqual(['after-the-bad-call']);
}

describe('user id', () => {
	const circularRef = {};
	it.each([
		['an empty string', ''],
		['257 characters', 'x'.repeat(257)],
		['a newline', 'a\nb'],
		['a NUL character', 'a\u0000b'],
		['a DEL character', 'a\u007fb'],
		// UTF-8 would turn a lone surrogate into U+FFFD: 'bob\uD800' would verify with the hash of 'bob\uFFFD'.
		['a lone high surrogate', 'bob\uD800'],
		['a lone low surrogate', 'bob\uDC00'],
		['a surrogate pair in the wrong order', 'bob\uDC00\uD800'],
		['NaN', Number.NaN],
		['1.5', 1.5],
		['2 ** 53', 2 ** 53],
		['1e21', 1e21],
		['-Infinity', Number.NEGATIVE_INFINITY],
		['an object', circularRef],
		['an array', []],
		['null', null],
		['undefined', undefined],
		['a boolean', true],
		['a bigint', 42n],
	])('refuses %s as user id with invalid_user_id and sends nothing', async (_name, userId) => {
		await expectRefused(client.identifyUser(userId as string), 'invalid_user_id');
	});

	it('accepts a user id of exactly 256 characters', async () => {
		await client.identifyUser('x'.repeat(256));

		expect(faults.requests[0]!.body.userId).toBe('x'.repeat(256));
	});

	it('sends a string user id verbatim, spaces included', async () => {
		const result = await clientOf(api).identifyUser(' 42 ', {}, sign(' 42 '));

		expect(faults.requests[0]!.body.userId).toBe(' 42 ');
		// The API verified the exact bytes the server signed.
		expect(result).toMatchObject({userId: ' 42 ', verified: true});
	});

	it('sends a number user id as its decimal string', async () => {
		const result = await clientOf(api).identifyUser(42, {}, sign(42));

		expect(faults.requests[0]!.body.userId).toBe('42');
		expect(result).toMatchObject({userId: '42', verified: true});
	});

	it('sends a negative safe integer as its decimal string', async () => {
		await client.identifyUser(-7);

		expect(faults.requests[0]!.body.userId).toBe('-7');
	});
});

describe('metadata', () => {
	const circular: Record<string, unknown> = {name: 'loop'};
	circular.self = circular;

	it.each([
		['an array', [1, 2]],
		['a Date', new Date()],
		['a class instance', new (class Plan {})()],
		['a Map', new Map()],
		['a string', 'plan=pro'],
		['a circular object', circular],
		['a BigInt value', {seats: 10n}],
		['a function value', {onChange: () => {}}],
		['an undefined value', {plan: undefined}],
		['a NaN value', {score: Number.NaN}],
		['an Infinity value', {score: Number.POSITIVE_INFINITY}],
		['a Date value', {since: new Date()}],
		['a symbol value', {tag: Symbol('x')}],
		['an object with toJSON', {toJSON: () => 'something else'}],
		['a value with toJSON', {plan: {toJSON: () => 'pro'}}],
		['an own __proto__ key', JSON.parse('{"__proto__":1}')],
		['a nested constructor key', {company: {constructor: 'x'}}],
		['a prototype key', {prototype: {}}],
		['a forbidden key inside an array', {list: [{constructor: 1}]}],
		['over 16 KiB', {text: 'x'.repeat(16 * 1024)}],
	])('refuses metadata that is %s with invalid_metadata and sends nothing', async (_name, metadata) => {
		await expectRefused(client.identifyUser('m1', metadata as Record<string, unknown>), 'invalid_metadata');
	});

	it('refuses bad metadata in updateUser with invalid_metadata and sends nothing', async () => {
		await expectRefused(client.updateUser([] as unknown as Record<string, unknown>), 'invalid_metadata');
	});

	it('refuses updateUser without metadata with invalid_metadata and sends nothing', async () => {
		await expectRefused(client.updateUser(undefined as unknown as Record<string, unknown>), 'invalid_metadata');
	});

	it('refuses updateUser with null metadata with invalid_metadata and sends nothing', async () => {
		await expectRefused(client.updateUser(null as unknown as Record<string, unknown>), 'invalid_metadata');
	});

	it('treats null metadata in identifyUser as none', async () => {
		await client.identifyUser('m0', null as unknown as Record<string, unknown>);

		expect(faults.requests[0]!.body).not.toHaveProperty('metadata');
	});

	it('accepts nested plain objects, arrays, null, booleans and finite numbers', async () => {
		const metadata = {plan: 'pro', seats: 3, ratio: 0.5, admin: false, manager: null, tags: ['a', 1, null], company: {name: 'Acme', size: {n: 10}}};
		await client.identifyUser('m2', metadata);

		expect(faults.requests[0]!.body.metadata).toEqual(metadata);
	});

	it('sends the metadata as it was when called, even if the page changes the object while the call waits', async () => {
		const metadata: Record<string, unknown> = {plan: 'pro'};
		const first = client.identifyUser('m4', {step: 1});
		const second = client.identifyUser('m4', metadata);
		metadata.plan = 'enterprise';
		metadata.onChange = () => {};
		metadata.big = 'x'.repeat(20_000);
		await Promise.all([first, second]);

		expect(faults.requests.map((request) => request.body.metadata)).toEqual([{step: 1}, {plan: 'pro'}]);
	});

	it('accepts an object without a prototype', async () => {
		const metadata = Object.assign(Object.create(null) as Record<string, unknown>, {plan: 'pro'});
		await client.identifyUser('m3', metadata);

		expect(faults.requests[0]!.body.metadata).toEqual({plan: 'pro'});
	});
});

describe('hash', () => {
	it.each([
		['63 hex characters', 'a'.repeat(63)],
		['65 hex characters', 'a'.repeat(65)],
		['0x and 64 hex characters', `0x${'a'.repeat(64)}`],
		['64 characters that are not hex', 'g'.repeat(64)],
		['base64 of the wrong length', Buffer.alloc(31).toString('base64')],
		['base64 of 33 bytes', Buffer.alloc(33).toString('base64')],
		['an empty string', ''],
		['an object', {hex: HEX}],
		['a number', 42],
	])('refuses a hash that is %s with invalid_hash and sends nothing', async (_name, hash) => {
		await expectRefused(client.identifyUser('h1', {}, {hash: hash as string}), 'invalid_hash');
	});

	it.each([
		['the hex digest with a sha256= prefix', `sha256=${HEX}`, /sha256=/],
		['base64 of the hex text (88 characters)', Buffer.from(HEX).toString('base64'), /base64 of the hex/],
	])('names a known wrong shape of hash, %s, in the invalid_hash message, without quoting it', async (_name, hash, words) => {
		const error = await client.identifyUser('h1', {}, {hash}).catch((caught: Error) => caught);

		expect(error).toMatchObject({name: 'InvalidArgumentError', code: 'invalid_hash', message: expect.stringMatching(words)});
		expect((error as Error).message).not.toContain(HEX.slice(0, 16));
		expect(faults.requests).toHaveLength(0);
	});

	it('refuses a verification that is not an object with invalid_hash and sends nothing', async () => {
		await expectRefused(client.identifyUser('h1', {}, HEX as never), 'invalid_hash');
	});

	it('trims whitespace around the hash', async () => {
		const result = await clientOf(api).identifyUser('42', {}, {hash: `  ${HEX}\n`});

		expect(faults.requests[0]!.body.hash).toBe(HEX);
		expect(result.verified).toBe(true);
	});

	it('accepts upper-case hex', async () => {
		const result = await clientOf(api).identifyUser('42', {}, {hash: HEX.toUpperCase()});

		expect(faults.requests[0]!.body.hash).toBe(HEX.toUpperCase());
		expect(result.verified).toBe(true);
	});

	it('accepts base64', async () => {
		const {hash} = signIdentity('42', SECRET, {encoding: 'base64'});
		const result = await clientOf(api).identifyUser('42', {}, {hash});

		expect(hash).toHaveLength(44);
		expect(faults.requests[0]!.body.hash).toBe(hash);
		expect(result.verified).toBe(true);
	});

	it('accepts base64url without padding', async () => {
		const hash = Buffer.from(HEX, 'hex').toString('base64url');
		const result = await clientOf(api).identifyUser('42', {}, {hash});

		expect(result.verified).toBe(true);
	});
});

describe('expiration', () => {
	it.each([
		['not a date', 'not a date'],
		['an invalid Date', new Date(Number.NaN)],
		['an empty string', ''],
		['an object', {at: '2099-01-01'}],
		// Date.parse reads these, each its own way; only what toISOString() writes is signed (SPEC §3).
		['"1"', '1'],
		['a bare year', '2099'],
		['a time with no zone (its meaning would depend on the reader)', '2099-11-21T12:00:00'],
		['a time with no milliseconds', '2099-11-21T12:00:00Z'],
		['a +00:00 offset instead of Z', '2099-11-21T12:00:00.000+00:00'],
		['a lower-case z', '2099-11-21T12:00:00.000z'],
		['a date that does not exist', '2099-02-30T12:00:00.000Z'],
	])('refuses an expiration that is %s with invalid_expiration and sends nothing', async (_name, expiration) => {
		await expectRefused(client.identifyUser('e1', {}, {hash: HEX, expiration: expiration as string}), 'invalid_expiration');
	});

	it('sends a Date expiration as its toISOString()', async () => {
		const expiration = new Date(Date.now() + 3_600_000);
		const result = await clientOf(api).identifyUser('42', {}, sign('42', expiration));

		expect(faults.requests[0]!.body.expiration).toBe(expiration.toISOString());
		expect(result.verified).toBe(true);

		faults.clear();
		await client.identifyUser('e2', {}, {hash: HEX, expiration});
		expect(faults.requests[0]!.body.expiration).toBe(expiration.toISOString());
	});

	it('sends a string expiration verbatim', async () => {
		const expiration = '2099-01-01T00:00:00.000Z';
		const result = await clientOf(api).identifyUser('42', {}, {hash: signIdentity('42', SECRET, {expiration}).hash, expiration});

		expect(faults.requests[0]!.body.expiration).toBe(expiration);
		expect(result.verified).toBe(true);
	});
});

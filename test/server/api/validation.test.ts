import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {signIdentity} from '../../../src/server/index';
import {identifyBody, SECRET, serve} from '../support/helpers';

const api = await serve({rateLimit: {max: 1_000_000, windowMs: 60_000}});
const hash = signIdentity('42', SECRET).hash;

describe('malformed calls', () => {
	const deep = (levels: number): unknown => (levels === 0 ? 'leaf' : {next: deep(levels - 1)});
	const raw: Array<[string, string, string]> = [
		['invalid JSON', '{"clientToken": ', 'body'],
		['an empty body', '', 'body'],
		['a JSON array', '[]', 'body'],
		['a JSON number', '42', 'body'],
		['JSON null', 'null', 'body'],
		['a JSON string', '"hello"', 'body'],
		['metadata with an own __proto__ key', JSON.stringify(identifyBody()).replace('"metadata":{', '"metadata":{"__proto__":{"admin":true},'), 'metadata'],
		['a nested __proto__ key', JSON.stringify(identifyBody()).replace('"metadata":{', '"metadata":{"a":[{"__proto__":1}],'), 'metadata'],
	];
	const bodies: Array<[string, Record<string, unknown>, string]> = [
		['a missing clientToken', identifyBody({clientToken: undefined}), 'clientToken'],
		['an empty clientToken', identifyBody({clientToken: ''}), 'clientToken'],
		['a numeric clientToken', identifyBody({clientToken: 7}), 'clientToken'],
		['a missing anonymousId', identifyBody({anonymousId: undefined}), 'anonymousId'],
		['a 129-character anonymousId', identifyBody({anonymousId: 'a'.repeat(129)}), 'anonymousId'],
		['a control character in anonymousId', identifyBody({anonymousId: 'a\u0001b'}), 'anonymousId'],
		['a missing messageId', identifyBody({messageId: undefined}), 'messageId'],
		['an object messageId', identifyBody({messageId: {}}), 'messageId'],
		['a missing userId', identifyBody({userId: undefined}), 'userId'],
		['a number as userId', identifyBody({userId: 42}), 'userId'],
		['an empty userId', identifyBody({userId: ''}), 'userId'],
		['a 257-character userId', identifyBody({userId: 'a'.repeat(257)}), 'userId'],
		['a newline in userId', identifyBody({userId: '42\n2026-11-21T12:00:00.000Z'}), 'userId'],
		['metadata as an array', identifyBody({metadata: [1, 2]}), 'metadata'],
		['metadata as null', identifyBody({metadata: null}), 'metadata'],
		['metadata as a string', identifyBody({metadata: 'pro'}), 'metadata'],
		['metadata over 16 KiB', identifyBody({metadata: {blob: 'x'.repeat(16 * 1024)}}), 'metadata'],
		['a nested constructor key', identifyBody({metadata: {a: {b: {constructor: {prototype: 1}}}}}), 'metadata'],
		['a prototype key', identifyBody({metadata: {prototype: 1}}), 'metadata'],
		['metadata nested 40 levels deep', identifyBody({metadata: deep(40)}), 'metadata'],
		['U+0000 in a metadata string (no database stores it)', identifyBody({metadata: {note: 'a\u0000b'}}), 'metadata'],
		['a lone surrogate in a nested metadata key', identifyBody({metadata: {a: [{'k\uD800': 1}]}}), 'metadata'],
		['a hash as an object', identifyBody({hash: {value: hash}}), 'hash'],
		['a hash as a number', identifyBody({hash: 1234}), 'hash'],
		['a hash as null', identifyBody({hash: null}), 'hash'],
		['an expiration that is not a date', identifyBody({hash, expiration: 'not a date'}), 'expiration'],
		['an expiration as a number', identifyBody({hash, expiration: 1_790_000_000_000}), 'expiration'],
		['a sentAt as a number', identifyBody({sentAt: 5}), 'sentAt'],
	];

	it.each(raw)('answers 400 for %s', async (_, text, field) => {
		const answer = await api.post('/v1/identify', text, {raw: true});
		expect(answer.status).toBe(400);
		expect(answer.body).toEqual({error: {code: 'invalid_request', message: expect.any(String), field}});
	});

	it.each(bodies)('answers 400 naming the field for %s', async (_, body, field) => {
		const answer = await api.post('/v1/identify', body);
		expect(answer.status).toBe(400);
		expect(answer.body).toEqual({error: {code: 'invalid_request', message: expect.any(String), field}});
	});

	it('never repeats the hash it refuses in the message', async () => {
		const answer = await api.post('/v1/identify', identifyBody({hash: [hash], userId: 'x'.repeat(300)}));
		expect(answer.status).toBe(400);
		expect(answer.text).not.toContain(hash);
	});

	it('checks the fields of /v1/user and /v1/logout too, without asking them for a userId', async () => {
		const user = await api.post('/v1/user', {clientToken: 'ct_test', anonymousId: 'a', messageId: 'm', metadata: []});
		expect(user.body.error.field).toBe('metadata');
		const logout = await api.post('/v1/logout', {clientToken: 'ct_test', messageId: 'm'});
		expect(logout.body.error.field).toBe('anonymousId');
	});

	it('answers 400 for a body over 64 KiB, even without Content-Length', async () => {
		const big = JSON.stringify(identifyBody({metadata: {blob: 'x'.repeat(70_000)}}));
		expect((await api.post('/v1/identify', big, {raw: true})).body.error.field).toBe('body');
		const stream = new ReadableStream({
			start(controller) {
				controller.enqueue(new TextEncoder().encode(big));
				controller.close();
			},
		});
		const answer = await api.request('/v1/identify', {method: 'POST', body: stream, duplex: 'half'} as RequestInit);
		expect(answer.status).toBe(400);
		expect(answer.body.error.message).toContain('65536');
	});

	it('answers 400 for a body that is not UTF-8 or not JSON by its Content-Type', async () => {
		const latin1 = await api.request('/v1/identify', {method: 'POST', body: new Uint8Array([0x7b, 0xe9, 0x7d])});
		expect(latin1.body.error).toMatchObject({code: 'invalid_request', field: 'body'});
		const form = await api.post('/v1/identify', identifyBody(), {headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
		expect(form.body.error).toMatchObject({code: 'invalid_request', field: 'body'});
	});

	it('accepts application/json as well as text/plain', async () => {
		const answer = await api.post('/v1/identify', identifyBody(), {headers: {'Content-Type': 'application/json'}});
		expect(answer.status).toBe(200);
	});

	it('answers 401 unknown_client_token for a well-formed call of an unknown client', async () => {
		for (const clientToken of ['ct_nobody', '__proto__', 'toString']) {
			const answer = await api.post('/v1/identify', identifyBody({clientToken}));
			expect(answer.status).toBe(401);
			expect(answer.body).toEqual({error: {code: 'unknown_client_token', message: expect.any(String)}});
		}
	});

	it('answers 404 not_found elsewhere and 405 for other methods', async () => {
		const missing = await api.post('/v2/identify', identifyBody());
		expect(missing.status).toBe(404);
		expect(missing.body).toEqual({error: {code: 'not_found', message: expect.any(String)}});
		expect((await api.post('/xv1/identify', identifyBody())).status).toBe(404);
		const get = await api.request('/v1/identify', {method: 'GET'});
		expect(get.status).toBe(405);
		expect(get.headers.get('allow')).toBe('POST, OPTIONS');
		expect(get.body.error.code).toBe('method_not_allowed');
	});

	it('serves the routes under a prefix', async () => {
		const answer = await api.post('/api/signet/v1/identify', identifyBody());
		expect(answer.status).toBe(200);
	});

	it('never answers 500 to random bodies', async () => {
		const field = fc.oneof(fc.constant(undefined), fc.jsonValue(), fc.string(), fc.constantFrom('ct_test', 'ct_enforce', hash, '42'));
		const body = fc.oneof(
			fc.jsonValue(),
			fc.record({clientToken: field, anonymousId: field, userId: field, metadata: field, hash: field, expiration: field, messageId: field, sentAt: field}),
			fc.record({clientToken: fc.constant('ct_test'), anonymousId: fc.uuid(), userId: fc.string(), metadata: fc.dictionary(fc.string(), fc.jsonValue()), messageId: fc.uuid(), hash: fc.option(fc.string(), {nil: undefined})}),
		);
		const path = fc.constantFrom('/v1/identify', '/v1/user', '/v1/logout');
		await fc.assert(
			fc.asyncProperty(path, body, async (to, value) => {
				const answer = await api.post(to, value);
				return answer.status < 500 && answer.body !== undefined;
			}),
			{numRuns: 200},
		);
		await fc.assert(
			fc.asyncProperty(path, fc.string({unit: 'binary'}), async (to, text) => (await api.post(to, text, {raw: true})).status < 500),
			{numRuns: 100},
		);
	});
});

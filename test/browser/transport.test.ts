// @vitest-environment jsdom
// The wire protocol and the retry policy, through a real HTTP server: the
// reference API behind a fault-injecting server on loopback.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {ApiError, IdentityVerificationError, NetworkError} from '../../src/browser/index';
import {hang, reset, respond} from '../support/fault-server';
import {clientOf, ENFORCE, freshPage, MONITOR, sign, sleep, startApi, until} from './helpers';

const api = await startApi();
const {faults, store} = api;

const UUID = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

beforeEach(() => {
	freshPage(faults);
	// Monitor-mode and rejection warnings are the verification suite's subject, not this one's.
	vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	vi.restoreAllMocks();
});

const messageIds = () => faults.requests.map((request) => request.body?.messageId);

describe('the wire', () => {
	it('posts identify as text/plain JSON with exactly the fields of the spec', async () => {
		const client = clientOf(api);
		const {hash, expiration} = sign('w1', new Date(Date.now() + 3_600_000));
		const before = Date.now();
		await client.identifyUser('w1', {plan: 'pro'}, {hash, expiration});

		expect(faults.requests).toHaveLength(1);
		const [request] = faults.requests;
		expect(request!.method).toBe('POST');
		expect(request!.path).toBe('/v1/identify');
		expect(request!.headers['content-type']).toBe('text/plain;charset=UTF-8');
		expect(Object.keys(request!.body).sort()).toEqual(['anonymousId', 'clientToken', 'expiration', 'hash', 'messageId', 'metadata', 'sentAt', 'userId']);
		expect(request!.body).toMatchObject({clientToken: ENFORCE, anonymousId: client.getAnonymousId(), userId: 'w1', metadata: {plan: 'pro'}, hash, expiration});
		expect(request!.body.messageId).toMatch(UUID);
		expect(Date.parse(request!.body.sentAt)).toBeGreaterThanOrEqual(before - 1000);
		expect(new Date(request!.body.sentAt).toISOString()).toBe(request!.body.sentAt);
	});

	it('omits hash and expiration when they are not given', async () => {
		const client = clientOf(api, {clientToken: MONITOR});
		await client.identifyUser('w2', {plan: 'free'});

		expect(Object.keys(faults.requests[0]!.body).sort()).toEqual(['anonymousId', 'clientToken', 'messageId', 'metadata', 'sentAt', 'userId']);
	});

	it('omits metadata when it is not given', async () => {
		const client = clientOf(api, {clientToken: MONITOR});
		await client.identifyUser('w3');

		expect(Object.keys(faults.requests[0]!.body).sort()).toEqual(['anonymousId', 'clientToken', 'messageId', 'sentAt', 'userId']);
	});

	it('keeps a path in apiHost as a prefix', async () => {
		const client = clientOf(api, {clientToken: MONITOR, apiHost: `${api.url}/signet/`});
		await client.identifyUser('w6');

		expect(faults.requests[0]!.path).toBe('/signet/v1/identify');
	});

	it('gives every call its own messageId', async () => {
		const client = clientOf(api, {clientToken: MONITOR});
		await client.identifyUser('w4', {n: 1});
		await client.identifyUser('w4', {n: 2});
		await client.identifyUser('w5', {n: 1});

		const ids = messageIds();
		expect(ids).toHaveLength(3);
		expect(new Set(ids).size).toBe(3);
	});
});

describe('retries', () => {
	it('retries a 500 and the API applies the call once', async () => {
		const client = clientOf(api);
		// The first attempt reaches the API, but its answer is lost behind a 500.
		faults.script(respond(500, {body: {error: {code: 'server_error', message: 'boom'}}, forward: true}));
		faults.script(respond(500, {body: {error: {code: 'server_error', message: 'boom'}}}));

		const result = await client.identifyUser('r1', {plan: 'pro'}, sign('r1'));

		expect(result.verified).toBe(true);
		expect(faults.requests).toHaveLength(3);
		expect(new Set(messageIds()).size).toBe(1);
		const records = store.users(ENFORCE).filter((record) => record.userId === 'r1');
		expect(records).toHaveLength(1);
		expect(records[0]!.applied).toBe(1);
	});

	it('retries a 503 with Retry-After and sends the same messageId', async () => {
		const client = clientOf(api);
		faults.script(respond(503, {headers: {'Retry-After': '1'}, body: {error: {code: 'unavailable', message: 'later'}}}));

		const result = await client.identifyUser('r2', {}, sign('r2'));

		expect(result.verified).toBe(true);
		expect(faults.requests).toHaveLength(2);
		expect(new Set(messageIds()).size).toBe(1);
		// Retry-After: 1 is honoured: the retry waits for it (backoff alone would be under 300 ms).
		expect(faults.requests[1]!.receivedAt - faults.requests[0]!.answeredAt!).toBeGreaterThanOrEqual(900);
	});

	it('retries a 429 with Retry-After and sends the same messageId', async () => {
		const client = clientOf(api);
		faults.script(respond(429, {headers: {'Retry-After': '1'}, body: {error: {code: 'rate_limited', message: 'slow down'}}}));

		const result = await client.identifyUser('r3', {}, sign('r3'));

		expect(result.verified).toBe(true);
		expect(faults.requests).toHaveLength(2);
		expect(new Set(messageIds()).size).toBe(1);
		expect(faults.requests[1]!.receivedAt - faults.requests[0]!.answeredAt!).toBeGreaterThanOrEqual(900);
	});

	it('retries a 408', async () => {
		const client = clientOf(api);
		faults.script(respond(408));

		await expect(client.identifyUser('r4', {}, sign('r4'))).resolves.toMatchObject({verified: true});
		expect(faults.requests).toHaveLength(2);
		expect(new Set(messageIds()).size).toBe(1);
	});

	it('retries an attempt that hangs past timeoutMs, then succeeds', async () => {
		const client = clientOf(api, {timeoutMs: 500});
		faults.script(hang());

		const result = await client.identifyUser('r5', {}, sign('r5'));

		expect(result.verified).toBe(true);
		const [first, ...retries] = faults.requests.map((request) => request.handling);
		expect(first).toBe('hang');
		// One retry, unless a very busy machine made the answer itself late too.
		expect(retries.length).toBeGreaterThanOrEqual(1);
		expect(new Set(retries)).toEqual(new Set(['forward']));
		expect(new Set(messageIds()).size).toBe(1);
	});

	it('retries a reset connection, then succeeds', async () => {
		const client = clientOf(api);
		faults.script(reset());

		const result = await client.identifyUser('r6', {}, sign('r6'));

		expect(result.verified).toBe(true);
		expect(faults.requests.map((request) => request.handling)).toEqual(['reset', 'forward']);
		expect(new Set(messageIds()).size).toBe(1);
	});

	it('rejects with NetworkError once the retries are exhausted', async () => {
		const client = clientOf(api, {retries: 2});
		faults.script(reset(), {times: 3});
		const errors: unknown[] = [];
		client.on('error', (error) => errors.push(error));

		const error = await client.identifyUser('r7', {}, sign('r7')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NetworkError);
		expect(error).toMatchObject({name: 'NetworkError', code: 'network'});
		expect(faults.requests).toHaveLength(3);
		expect(new Set(messageIds()).size).toBe(1);
		expect(errors).toEqual([error]);
		expect(client.getIdentity()).toMatchObject({status: 'anonymous', userId: null, error});
	});

	it('rejects with NetworkError after every attempt timed out', async () => {
		const client = clientOf(api, {timeoutMs: 300, retries: 1});
		faults.script(hang(), {times: 2});

		const error = await client.identifyUser('r8', {}, sign('r8')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NetworkError);
		expect((error as NetworkError).message).toMatch(/timed out/);
		expect(faults.requests).toHaveLength(2);
	});

	it('rejects with ApiError carrying the status once 5xx retries are exhausted', async () => {
		const client = clientOf(api, {retries: 1});
		faults.script(respond(502, {body: '<html>Bad gateway</html>', headers: {'Content-Type': 'text/html'}}), {times: 2});

		const error = await client.identifyUser('r9', {}, sign('r9')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({code: 'api_error', status: 502});
		expect(faults.requests).toHaveLength(2);
	});

	it('does not retry a 400', async () => {
		const client = clientOf(api);
		faults.script(respond(400, {body: {error: {code: 'invalid_request', message: 'bad', field: 'userId'}}}));

		const error = await client.identifyUser('n1', {}, sign('n1')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({code: 'api_error', status: 400, apiCode: 'invalid_request'});
		expect(faults.requests).toHaveLength(1);
	});

	it('does not retry a 401 and reports unknown_client_token as ApiError', async () => {
		const client = clientOf(api, {clientToken: 'ct_nobody'});

		const error = await client.identifyUser('n2', {}, sign('n2')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({name: 'ApiError', code: 'api_error', status: 401, apiCode: 'unknown_client_token'});
		expect(faults.requests).toHaveLength(1);
	});

	it('does not retry a 403 verification failure', async () => {
		const client = clientOf(api);

		await expect(client.identifyUser('n3')).rejects.toBeInstanceOf(IdentityVerificationError);
		expect(faults.requests).toHaveLength(1);
	});

	it('does not retry a 403 that is not about verification, and reports it as ApiError', async () => {
		const client = clientOf(api);
		faults.script(respond(403, {body: {error: {code: 'origin_not_allowed', message: 'no'}}}));

		const error = await client.identifyUser('n4', {}, sign('n4')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({status: 403, apiCode: 'origin_not_allowed'});
		expect(faults.requests).toHaveLength(1);
	});

	it('rejects a 200 that is not JSON with ApiError invalid_response', async () => {
		const client = clientOf(api);
		faults.script(respond(200, {body: '<html>not json</html>', headers: {'Content-Type': 'text/html'}}));

		const error = await client.identifyUser('n5', {}, sign('n5')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({code: 'api_error', status: 200, apiCode: 'invalid_response'});
		expect(faults.requests).toHaveLength(1);
	});

	it('rejects a 200 JSON answer without the identify fields with ApiError invalid_response', async () => {
		const client = clientOf(api);
		faults.script(respond(200, {body: {hello: 'world'}}));

		await expect(client.identifyUser('n6', {}, sign('n6'))).rejects.toMatchObject({code: 'api_error', apiCode: 'invalid_response'});
	});

	// JSON.parse reads any depth; structuredClone, which gives each caller its own copy, stops at a few thousand levels.
	const tooDeep = (userId: string) => `{"userId":"${userId}","verified":true,"verification":"ok","variables":{"plan":"pro","deep":${'['.repeat(100_000)}${']'.repeat(100_000)}},"session":null}`;

	it('rejects a verified answer whose variables are too deep to copy as invalid_response, and the state does not say verified', async () => {
		const client = clientOf(api);
		const identified = vi.fn();
		const errors: unknown[] = [];
		client.on('identified', identified);
		client.on('error', (error) => errors.push(error));
		faults.script(respond(200, {body: tooDeep('n7'), headers: {'Content-Type': 'application/json'}}));

		const error = await client.identifyUser('n7', {}, sign('n7')).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({code: 'api_error', status: 200, apiCode: 'invalid_response'});
		expect(client.getIdentity()).toMatchObject({status: 'anonymous', userId: null, error});
		expect(client.getVariable('plan', 'fallback')).toBe('fallback');
		expect(errors).toEqual([error]);
		expect(identified).not.toHaveBeenCalled();
		// The next answer that can be used is used.
		await expect(client.identifyUser('n7', {}, sign('n7'))).resolves.toMatchObject({verified: true});
		expect(client.getIdentity()).toMatchObject({status: 'verified', userId: 'n7', error: null});
	});

	it('keeps the verified identity it had when an update answers variables too deep to copy', async () => {
		const client = clientOf(api);
		await client.identifyUser('n8', {}, sign('n8'));
		faults.script(respond(200, {body: tooDeep('n8'), headers: {'Content-Type': 'application/json'}}));

		const error = await client.updateUser({seats: 3}).catch((caught: unknown) => caught);

		expect(error).toMatchObject({code: 'api_error', apiCode: 'invalid_response'});
		// What the earlier answer gave, not one variable of the answer that was refused.
		expect(client.getIdentity()).toMatchObject({status: 'verified', userId: 'n8', error});
		expect(client.getVariable('greeting', 'fallback')).toBe('hi n8');
		expect(client.getVariable('deep', 'fallback')).toBe('fallback');
	});
});

describe('offline', () => {
	let online = true;
	beforeEach(() => {
		online = true;
		Object.defineProperty(window.navigator, 'onLine', {configurable: true, get: () => online});
	});
	afterEach(() => {
		// Back to jsdom's own getter on the prototype.
		delete (window.navigator as {onLine?: boolean}).onLine;
	});

	it('waits while offline and sends the call once when the browser is back online', async () => {
		const client = clientOf(api);
		online = false;

		const pending = client.identifyUser('o1', {}, sign('o1'));
		let settled = false;
		void pending.then(
			() => (settled = true),
			() => (settled = true),
		);
		// The API is up: a call that did not wait would arrive at once.
		await sleep(300);
		expect(faults.requests).toHaveLength(0);
		expect(settled).toBe(false);

		online = true;
		window.dispatchEvent(new Event('online'));

		await expect(pending).resolves.toMatchObject({userId: 'o1', verified: true});
		expect(faults.requests).toHaveLength(1);
	});

	it('keeps later calls in order behind a call waiting for the network', async () => {
		const client = clientOf(api, {clientToken: MONITOR});
		online = false;
		const first = client.identifyUser('o2', {step: 1});
		const second = client.identifyUser('o2', {step: 2});
		await sleep(100);
		expect(faults.requests).toHaveLength(0);

		online = true;
		window.dispatchEvent(new Event('online'));
		await Promise.all([first, second]);

		await until(() => faults.requests.length === 2);
		expect(faults.requests.map((request) => request.body.metadata.step)).toEqual([1, 2]);
	});
});

describe('keepalive', () => {
	// The fetch seam, for one reason: keepalive is a property of the Request
	// that never reaches the wire, so the server cannot see it. Every request
	// still goes to the real server.
	function recordingFetch(): {seen: Array<{path: string; keepalive: boolean}>; send: typeof fetch} {
		const seen: Array<{path: string; keepalive: boolean}> = [];
		const send: typeof fetch = (input, init) => {
			const request = input as Request;
			seen.push({path: new URL(request.url).pathname, keepalive: request.keepalive});
			return fetch(input, init);
		};
		return {seen, send};
	}

	it('sends logout with keepalive', async () => {
		const {seen, send} = recordingFetch();
		const client = clientOf(api, {fetch: send});
		await client.identifyUser('k1', {}, sign('k1'));

		await client.logout();

		expect(seen).toEqual([
			{path: '/v1/identify', keepalive: false},
			{path: '/v1/logout', keepalive: true},
		]);
		expect(faults.requests).toHaveLength(2);
	});

	it('sends with keepalive after pagehide, and without once the page is shown again', async () => {
		const {seen, send} = recordingFetch();
		const client = clientOf(api, {fetch: send, clientToken: MONITOR});

		window.dispatchEvent(new Event('pagehide'));
		await client.identifyUser('k2', {step: 1});
		window.dispatchEvent(new Event('pageshow'));
		await client.identifyUser('k2', {step: 2});

		expect(seen.map((request) => request.keepalive)).toEqual([true, false]);
		expect(faults.requests).toHaveLength(2);
	});
});

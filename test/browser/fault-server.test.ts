// @vitest-environment node
// The fault server the SDK suites (and the browser e2e suites) stand on:
// scripted faults, recording, CORS and preflights.
import {afterAll, describe, expect, it} from 'vitest';
import {delay, hang, reset, respond, startFaultServer} from '../support/fault-server';

const upstream = async (request: Request) => Response.json({echo: await request.text(), path: new URL(request.url).pathname, method: request.method});
const faults = await startFaultServer({upstream});
afterAll(() => faults.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
	fetch(faults.url + path, {method: 'POST', headers: {'Content-Type': 'text/plain;charset=UTF-8', ...headers}, body: JSON.stringify(body)});

describe('fault server', () => {
	it('listens on 127.0.0.1 and forwards unscripted requests to the upstream', async () => {
		faults.clear();
		expect(faults.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

		const response = await post('/v1/identify', {n: 1});

		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({echo: '{"n":1}', path: '/v1/identify', method: 'POST'});
	});

	it('records method, path, headers and the parsed body of every request', async () => {
		faults.clear();

		await post('/v1/user', {n: 2}, {Authorization: 'Bearer t0k'});

		expect(faults.requests).toEqual([
			expect.objectContaining({method: 'POST', path: '/v1/user', text: '{"n":2}', body: {n: 2}, handling: 'forward', headers: expect.objectContaining({authorization: 'Bearer t0k', 'content-type': 'text/plain;charset=UTF-8'})}),
		]);
		expect(faults.requests[0]!.answeredAt).toBeGreaterThanOrEqual(faults.requests[0]!.receivedAt);
	});

	it('plays scripted faults in order, each as many times as asked, then forwards again', async () => {
		faults.clear();
		faults.script(respond(503, {headers: {'Retry-After': '1'}, body: {error: {code: 'busy'}}}), {times: 2});
		faults.script(respond(200, {body: 'not json'}));

		const statuses: number[] = [];
		const bodies: string[] = [];
		for (let i = 0; i < 4; i++) {
			const response = await post('/v1/identify', {i});
			statuses.push(response.status);
			bodies.push(await response.text());
		}

		expect(statuses).toEqual([503, 503, 200, 200]);
		expect(bodies[0]).toBe('{"error":{"code":"busy"}}');
		expect(bodies[2]).toBe('not json');
		expect(faults.requests.map((request) => request.handling)).toEqual(['respond', 'respond', 'respond', 'forward']);
	});

	it('applies a fault only to the path it names', async () => {
		faults.clear();
		faults.script(respond(500), {path: '/v1/logout'});

		expect((await post('/v1/identify', {})).status).toBe(200);
		expect((await post('/v1/logout', {})).status).toBe(500);
		expect(faults.requestsTo('/v1/logout')).toHaveLength(1);
	});

	it('resets the connection', async () => {
		faults.clear();
		faults.script(reset());

		await expect(post('/v1/identify', {})).rejects.toThrow(TypeError);
		expect(faults.requests.map((request) => request.handling)).toEqual(['reset']);
	});

	it('hangs until the client gives up', async () => {
		faults.clear();
		faults.script(hang());

		await expect(fetch(`${faults.url}/v1/identify`, {method: 'POST', body: '{}', signal: AbortSignal.timeout(200)})).rejects.toMatchObject({name: 'TimeoutError'});
		expect(faults.requests[0]!.answeredAt).toBeUndefined();
	});

	it('delays, then forwards', async () => {
		faults.clear();
		faults.script(delay(100));

		const response = await post('/v1/identify', {late: true});

		expect(await response.json()).toMatchObject({echo: '{"late":true}'});
		expect(faults.requests[0]!.answeredAt! - faults.requests[0]!.receivedAt).toBeGreaterThanOrEqual(90);
	});

	it('forwards the call to the upstream and answers the scripted fault instead, with forward: true', async () => {
		const seen: string[] = [];
		const lossy = await startFaultServer({
			upstream: async (request) => {
				seen.push(await request.text());
				return Response.json({ok: true});
			},
		});
		try {
			lossy.script(respond(500, {forward: true}));

			const response = await fetch(`${lossy.url}/v1/identify`, {method: 'POST', body: '{"n":3}'});

			expect(response.status).toBe(500);
			expect(seen).toEqual(['{"n":3}']);
		} finally {
			await lossy.close();
		}
	});

	it('answers CORS for any origin: echoed, or * without one', async () => {
		faults.clear();
		faults.script(respond(429, {headers: {'Retry-After': '1'}}));

		const scripted = await post('/v1/identify', {}, {Origin: 'https://app.example.com'});
		const forwarded = await post('/v1/identify', {}, {Origin: 'http://localhost:5173'});
		const noOrigin = await post('/v1/identify', {});

		expect(scripted.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
		expect(scripted.headers.get('access-control-expose-headers')).toContain('Retry-After');
		expect(forwarded.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
		expect(noOrigin.headers.get('access-control-allow-origin')).toBe('*');
	});

	it('answers preflights itself and counts them apart from the calls', async () => {
		faults.clear();

		const response = await fetch(`${faults.url}/v1/user`, {
			method: 'OPTIONS',
			headers: {Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type'},
		});

		expect(response.status).toBe(204);
		expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
		expect(response.headers.get('access-control-allow-methods')).toContain('POST');
		expect(response.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
		expect(faults.preflights).toHaveLength(1);
		expect(faults.preflights[0]).toMatchObject({method: 'OPTIONS', path: '/v1/user', handling: 'preflight'});
		expect(faults.requests).toHaveLength(0);
	});

	it('waits for a number of requests, and fails after its timeout', async () => {
		faults.clear();
		const waiting = faults.waitForRequests(2, 2000);
		await post('/v1/identify', {a: 1});
		await post('/v1/identify', {a: 2});

		await expect(waiting).resolves.toHaveLength(2);
		await expect(faults.waitForRequests(3, 50)).rejects.toThrow(/expected 3 requests/);
	});

	it('proxies to an upstream given as a URL', async () => {
		const front = await startFaultServer({upstream: `${faults.url}/`});
		try {
			faults.clear();
			const response = await fetch(`${front.url}/v1/identify`, {method: 'POST', body: '{"via":"proxy"}'});

			expect(await response.json()).toMatchObject({echo: '{"via":"proxy"}', path: '/v1/identify'});
			expect(front.requests).toHaveLength(1);
			expect(faults.requests).toHaveLength(1);
		} finally {
			await front.close();
		}
	});

	it('closes with hanging connections open', async () => {
		const closing = await startFaultServer({upstream});
		closing.script(hang());
		const pending = fetch(`${closing.url}/v1/identify`, {method: 'POST', body: '{}'}).catch((error: unknown) => error);
		await closing.waitForRequests(1);

		await closing.close();

		expect(await pending).toBeInstanceOf(TypeError);
	});
});

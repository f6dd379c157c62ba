import {createServer, request as httpRequest} from 'node:http';
import {type AddressInfo, connect} from 'node:net';
import {afterAll, describe, expect, it} from 'vitest';
import {createIdentityHandler, startServer, toNodeListener} from '../../../src/server/index';
import {identifyBody} from '../support/helpers';

const handler = createIdentityHandler({clients: {ct_test: {secrets: ['sk_test_node_Pq4']}}});

describe('toNodeListener', () => {
	it('serves the handler from node:http under any prefix', async () => {
		const server = createServer(toNodeListener(handler));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
		const {port} = server.address() as AddressInfo;
		const response = await fetch(`http://127.0.0.1:${port}/api/v1/identify`, {method: 'POST', body: JSON.stringify(identifyBody())});
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({userId: '42', verified: false});
		server.closeAllConnections();
	});

	it('answers 500 when the handler throws', async () => {
		const server = await startServer(async () => {
			throw new Error('boom');
		});
		const response = await fetch(server.url);
		expect(response.status).toBe(500);
		expect(await response.json()).toEqual({error: {code: 'server_error', message: expect.any(String)}});
		await server.close();
	});

	it('streams the Response body and headers back, Set-Cookie included', async () => {
		const server = await startServer(async (request) => {
			const headers = new Headers({'X-Path': new URL(request.url).pathname});
			headers.append('Set-Cookie', 'a=1');
			headers.append('Set-Cookie', 'b=2');
			return new Response(`echo:${await request.text()}`, {status: 201, headers});
		});
		const response = await fetch(`${server.url}/some/path?q=1`, {method: 'PUT', body: 'héllo'});
		expect(response.status).toBe(201);
		expect(response.headers.get('x-path')).toBe('/some/path');
		expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
		expect(await response.text()).toBe('echo:héllo');
		await server.close();
	});
});

describe('startServer', () => {
	it('listens on a free loopback port and says where', async () => {
		const server = await startServer(handler);
		expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
		expect(server.port).toBeGreaterThan(0);
		await server.close();
	});

	it('closes promptly even with a keep-alive connection open', async () => {
		const server = await startServer(handler);
		await new Promise<void>((resolve, reject) => {
			const agentRequest = httpRequest(`${server.url}/v1/identify`, {method: 'POST', headers: {Connection: 'keep-alive'}}, (response) => {
				response.resume();
				response.on('end', resolve);
			});
			agentRequest.on('error', reject);
			agentRequest.end(JSON.stringify(identifyBody()));
		});
		const started = Date.now();
		await server.close();
		expect(Date.now() - started).toBeLessThan(1_000);
	});

	it('rejects when the port is taken', async () => {
		const server = await startServer(handler);
		await expect(startServer(handler, {port: server.port})).rejects.toThrow(/EADDRINUSE/);
		await server.close();
	});
});

// Issue 8, item 8: Node's default timeouts let a client hold a connection
// for 5 minutes by trickling its headers or its body.
describe('slow clients', () => {
	// Writes a byte every 50 ms until the server closes the socket, and answers what it received.
	function trickle(url: string, head: string): Promise<{closed: boolean; received: string}> {
		const {port} = new URL(url);
		return new Promise((resolve) => {
			const socket = connect(Number(port), '127.0.0.1');
			let received = '';
			let sent = 0;
			const timer = setInterval(() => {
				// Give up after 10 s: without the timeouts, the server would wait for minutes.
				if (sent++ > 200) {
					clearInterval(timer);
					socket.destroy();
					resolve({closed: false, received});
				} else {
					socket.write('x');
				}
			}, 50);
			socket.on('data', (chunk) => {
				received += chunk.toString();
			});
			socket.on('error', () => {});
			socket.on('close', () => {
				clearInterval(timer);
				resolve({closed: true, received});
			});
			socket.write(head);
		});
	}

	it('closes a connection whose headers never finish within headersTimeoutMs', async () => {
		const server = await startServer(handler, {headersTimeoutMs: 300, requestTimeoutMs: 300});
		const result = await trickle(server.url, 'POST /v1/identify HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
		expect(result.closed).toBe(true);
		await server.close();
	});

	it('closes a connection whose body never finishes within requestTimeoutMs', async () => {
		const server = await startServer(handler, {headersTimeoutMs: 300, requestTimeoutMs: 300});
		const head = 'POST /v1/identify HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n{"a":"';
		const result = await trickle(server.url, head);
		expect(result.closed).toBe(true);
		await server.close();
	});

	it('refuses timeouts that are not milliseconds above 0', async () => {
		await expect(startServer(handler, {headersTimeoutMs: 0})).rejects.toThrow(/headersTimeoutMs/);
		await expect(startServer(handler, {headersTimeoutMs: 5_000, requestTimeoutMs: 1_000})).rejects.toThrow(/requestTimeoutMs/);
	});
});

describe('the client IP', () => {
	const echo = async (_request: Request, info?: {clientIp?: string}) => Response.json({ip: info?.clientIp ?? null});
	const ipOf = async (url: string, forwarded?: string) =>
		((await (await fetch(url, {headers: forwarded === undefined ? {} : {'X-Forwarded-For': forwarded}})).json()) as {ip: string}).ip;

	it('is the socket address, whatever X-Forwarded-For says, unless proxies are trusted', async () => {
		const server = await startServer(echo);
		expect(await ipOf(server.url, '203.0.113.7')).toBe('127.0.0.1');
		await server.close();
	});

	it('is the entry the trusted proxy wrote, counted from the right, so a client cannot choose it', async () => {
		const one = await startServer(echo, {trustProxy: true});
		expect(await ipOf(one.url, 'forged-by-client, 203.0.113.7')).toBe('203.0.113.7');
		expect(await ipOf(one.url)).toBe('127.0.0.1');
		const two = await startServer(echo, {trustProxy: 2});
		expect(await ipOf(two.url, 'forged, 203.0.113.7, 10.0.0.2')).toBe('203.0.113.7');
		await Promise.all([one.close(), two.close()]);
	});

	it('refuses a trustProxy that is not true, false or a whole number', () => {
		expect(() => toNodeListener(echo, {trustProxy: -1})).toThrow(/trustProxy/);
	});
});

import {createServer, request as httpRequest} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterAll, describe, expect, it} from 'vitest';
import {createIdentityHandler, startServer, toNodeListener} from '../../src/server/index';
import {identifyBody} from './helpers';

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

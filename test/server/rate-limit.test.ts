import {randomUUID} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {createIdentityHandler} from '../../src/server/index';
import {clock, identifyBody, SECRET, serve} from './helpers';

const time = clock('2026-11-21T12:00:00.000Z');
const api = await serve({now: time.now, rateLimit: {max: 3, windowMs: 10_000}});

describe('rate limit', () => {
	it('answers 429 rate_limited with Retry-After in whole seconds past max calls per visitor', async () => {
		const anonymousId = randomUUID();
		for (let index = 0; index < 3; index += 1) {
			expect((await api.post('/v1/identify', identifyBody({anonymousId}))).status).toBe(200);
		}

		time.advance(2_500);
		const answer = await api.post('/v1/identify', identifyBody({anonymousId}), {headers: {Origin: 'https://app.example.com'}});
		expect(answer.status).toBe(429);
		expect(answer.body).toEqual({error: {code: 'rate_limited', message: expect.any(String)}});
		expect(answer.headers.get('retry-after')).toBe('8');
		expect(answer.headers.get('access-control-expose-headers')).toBe('Retry-After');
	});

	it('counts each visitor apart', async () => {
		const [first, second] = [randomUUID(), randomUUID()];
		for (let index = 0; index < 3; index += 1) {
			await api.post('/v1/identify', identifyBody({anonymousId: first}));
		}

		expect((await api.post('/v1/identify', identifyBody({anonymousId: first}))).status).toBe(429);
		expect((await api.post('/v1/identify', identifyBody({anonymousId: second}))).status).toBe(200);
	});

	it('lets the visitor go on once the window has passed', async () => {
		const anonymousId = randomUUID();
		for (let index = 0; index < 4; index += 1) {
			await api.post('/v1/identify', identifyBody({anonymousId}));
		}

		time.advance(10_000);
		expect((await api.post('/v1/identify', identifyBody({anonymousId}))).status).toBe(200);
	});

	it('does not count retries answered from memory, and answers a retry of a 429 afresh', async () => {
		const anonymousId = randomUUID();
		const body = identifyBody({anonymousId});
		for (let index = 0; index < 5; index += 1) {
			expect((await api.post('/v1/identify', body)).status).toBe(200);
		}

		await api.post('/v1/identify', identifyBody({anonymousId}));
		await api.post('/v1/identify', identifyBody({anonymousId}));
		const limited = identifyBody({anonymousId});
		expect((await api.post('/v1/identify', limited)).status).toBe(429);
		time.advance(10_000);
		expect((await api.post('/v1/identify', limited)).status).toBe(200);
	});
});

describe('rate limit per client IP', () => {
	it('answers 429 to one address past perIp calls, whatever visitor it claims to be', async () => {
		const perIp = await serve({now: time.now, rateLimit: {max: 100, perIp: 5, windowMs: 10_000}});
		const statuses = [];
		for (let index = 0; index < 6; index++) {
			statuses.push((await perIp.post('/v1/identify', identifyBody({anonymousId: randomUUID()}))).status);
		}

		expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
		const refused = await perIp.post('/v1/identify', identifyBody({anonymousId: randomUUID()}));
		expect(refused.body.error.message).toMatch(/from this address/);
	});
});

describe('rate limit per client IP, as a plain Fetch handler', () => {
	it('limits each address that the clientIp option reads from the request', async () => {
		const handler = createIdentityHandler({
			clients: {ct_test: {secrets: [SECRET]}},
			rateLimit: {max: 100, perIp: 3, windowMs: 10_000},
			now: time.now,
			clientIp: (request) => request.headers.get('x-real-ip') ?? undefined,
		});
		const call = async (address: string) => {
			const request = new Request('https://api.example.com/v1/identify', {method: 'POST', headers: {'X-Real-IP': address}, body: JSON.stringify(identifyBody({anonymousId: randomUUID()}))});
			return (await handler(request)).status;
		};
		const statuses = [];
		for (let index = 0; index < 4; index++) {
			statuses.push(await call('198.51.100.7'));
		}

		expect(statuses).toEqual([200, 200, 200, 429]);
		expect(await call('203.0.113.9')).toBe(200);
	});
});

import {randomUUID} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {RateLimiter} from '../../src/server/rate-limit';
import {clock, identifyBody, serve} from './helpers';

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

	it('says at least one second in Retry-After', () => {
		const limiter = new RateLimiter(1, 10_000);
		limiter.take('a', 0);
		expect(limiter.take('a', 9_999)).toEqual({ok: false, retryAfterSeconds: 1});
	});

	it('keeps its memory bounded: ended windows go, and never more than maxKeys', () => {
		const limiter = new RateLimiter(5, 1_000, 100);
		for (let index = 0; index < 1_000; index += 1) {
			limiter.take(`visitor-${index}`, 0);
		}

		expect(limiter.size).toBe(100);
		limiter.take('late', 5_000);
		expect(limiter.size).toBe(1);
	});
});

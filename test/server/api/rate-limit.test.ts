import {randomUUID} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {compoundKey} from '../../../src/server/store/compound-key';
import {createIdentityHandler, MemoryStore} from '../../../src/server/index';
import {clock, identifyBody, SECRET, serve} from '../support/helpers';

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

	// Issue #30, item 4: each call of a flood from one address, with a fresh
	// anonymous id, made a new visitor counter, and counting the address's
	// counter did not refresh its place in the store's LRU: the new visitor
	// counters pushed it out, and its count started again at 1.
	const flood = async (store: MemoryStore, calls: number) => {
		const handler = createIdentityHandler({clients: {ct_test: {secrets: [SECRET]}}, store, now: time.now, rateLimit: {max: 100, perIp: 20, windowMs: 60_000}});
		const answers: Array<{anonymousId: string; status: number}> = [];
		for (let call = 0; call < calls; call++) {
			const anonymousId = randomUUID();
			const request = new Request('http://127.0.0.1/v1/identify', {method: 'POST', body: JSON.stringify(identifyBody({anonymousId}))});
			answers.push({anonymousId, status: (await handler(request, {clientIp: '203.0.113.7'})).status});
		}

		return answers;
	};

	it('answers no more than perIp calls from one address in a window, however many fresh visitor ids push at the store', async () => {
		time.set('2026-11-21T13:00:00.000Z');
		const answers = await flood(new MemoryStore({maxCounters: 10}), 200);
		expect(answers.filter((answer) => answer.status !== 429)).toHaveLength(20);
	});

	it('makes no visitor counter for a call its address is refused', async () => {
		time.set('2026-11-21T14:00:00.000Z');
		const store = new MemoryStore();
		const answers = await flood(store, 30);
		const refused = answers.filter((answer) => answer.status === 429);
		expect(refused).toHaveLength(10);
		// Counted now for the first time in this window: the refused call counted nothing.
		for (const {anonymousId} of refused) {
			expect(store.countCalls([compoundKey('visitor', 'ct_test', anonymousId)], 60_000, time.now())).toEqual([1]);
		}
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

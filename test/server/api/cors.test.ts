import {describe, expect, it} from 'vitest';
import {identifyBody, ORIGIN, serve} from '../support/helpers';

const OTHER = 'https://other.example.org';
const api = await serve({
	clients: {
		ct_test: {secrets: ['sk_test_cors_1'], allowedOrigins: [`${ORIGIN}/`]},
		ct_other: {secrets: ['sk_test_cors_2'], allowedOrigins: [OTHER]},
	},
});

const preflight = (origin: string, path = '/v1/identify') =>
	api.request(path, {
		method: 'OPTIONS',
		headers: {Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type'},
	});

describe('CORS', () => {
	it('answers a preflight from an allowed origin with 204 and what the SDK may send', async () => {
		for (const path of ['/v1/identify', '/v1/user', '/v1/logout']) {
			const answer = await preflight(ORIGIN, path);
			expect(answer.status).toBe(204);
			expect(Object.fromEntries(answer.headers)).toMatchObject({
				'access-control-allow-origin': ORIGIN,
				'access-control-allow-methods': 'POST, OPTIONS',
				'access-control-allow-headers': 'Content-Type, Authorization',
				'access-control-max-age': '86400',
				vary: 'Origin',
			});
		}
	});

	it('answers a preflight from an origin no client allows with 403 and no allow-origin', async () => {
		const answer = await preflight('https://evil.example.net');
		expect(answer.status).toBe(403);
		expect(answer.headers.get('access-control-allow-origin')).toBeNull();
	});

	it("allows the call's own client's origins on every answer, errors included", async () => {
		const ok = await api.post('/v1/identify', identifyBody(), {headers: {Origin: ORIGIN}});
		expect(ok.status).toBe(200);
		expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
		expect(ok.headers.get('vary')).toBe('Origin');

		const bad = await api.post('/v1/identify', identifyBody({userId: ''}), {headers: {Origin: ORIGIN}});
		expect(bad.status).toBe(400);
		expect(bad.headers.get('access-control-allow-origin')).toBe(ORIGIN);

		const session = await api.post('/v1/user', {clientToken: 'ct_test', anonymousId: 'a', messageId: 'm1'}, {headers: {Origin: ORIGIN}});
		expect(session.status).toBe(401);
		expect(session.headers.get('access-control-allow-origin')).toBe(ORIGIN);
	});

	it('lets the page read Retry-After on the answers that have one, and exposes nothing on the others', async () => {
		const limited = await serve({clients: {ct_test: {secrets: ['sk_test_cors_1'], allowedOrigins: [ORIGIN]}}, rateLimit: {max: 1}});
		const body = () => identifyBody({anonymousId: 'a-limited'});
		const first = await limited.post('/v1/identify', body(), {headers: {Origin: ORIGIN}});
		expect(first.status).toBe(200);
		expect(first.headers.get('access-control-expose-headers')).toBeNull();
		const refused = await limited.post('/v1/identify', body(), {headers: {Origin: ORIGIN}});
		expect(refused.status).toBe(429);
		expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
		expect(refused.headers.get('access-control-allow-origin')).toBe(ORIGIN);
		expect(refused.headers.get('access-control-expose-headers')).toBe('Retry-After');
	});

	it("does not allow another client's origin on a call", async () => {
		const answer = await api.post('/v1/identify', identifyBody(), {headers: {Origin: OTHER}});
		expect(answer.status).toBe(200);
		expect(answer.headers.get('access-control-allow-origin')).toBeNull();
		expect(answer.headers.get('vary')).toBe('Origin');
	});

	it('allows any configured origin on answers that name no known client', async () => {
		const unreadable = await api.post('/v1/identify', '{', {raw: true, headers: {Origin: OTHER}});
		expect(unreadable.status).toBe(400);
		expect(unreadable.headers.get('access-control-allow-origin')).toBe(OTHER);
		const unknown = await api.post('/v1/identify', identifyBody({clientToken: 'ct_nobody'}), {headers: {Origin: ORIGIN}});
		expect(unknown.status).toBe(401);
		expect(unknown.headers.get('access-control-allow-origin')).toBe(ORIGIN);
		const stranger = await api.post('/v1/identify', '{', {raw: true, headers: {Origin: 'https://evil.example.net'}});
		expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
	});

	it('answers a plain OPTIONS without Origin with the allowed methods', async () => {
		const answer = await api.request('/v1/identify', {method: 'OPTIONS'});
		expect(answer.status).toBe(204);
		expect(answer.headers.get('allow')).toBe('POST, OPTIONS');
	});

	it('marks every answer no-store, since it may carry a session token', async () => {
		const answer = await api.post('/v1/identify', identifyBody());
		expect(answer.headers.get('cache-control')).toBe('no-store');
		expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
	});
});

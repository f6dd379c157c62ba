// GET /metrics (SPEC §7) over real HTTP: who may read it, counters that
// move by exactly the calls made, and labels that no caller can grow.
import {createHmac, randomBytes, randomUUID} from 'node:crypto';
import {register as defaultRegistry} from 'prom-client';
import {describe, expect, it} from 'vitest';
import {createIdentityHandler, MemoryStore, signIdentity, startServer} from '../../../src/server/index';
import {identifyBody, SECRET, serve} from '../support/helpers';

const BEARER = `mb_${randomBytes(24).toString('base64url')}`;
const api = await serve({metrics: {bearer: BEARER}, rateLimit: {max: 3, windowMs: 60_000}});

async function metrics(bearer: string | null = BEARER): Promise<{status: number; text: string; contentType: string | null}> {
	const answer = await api.request('/metrics', {headers: bearer === null ? {} : {Authorization: `Bearer ${bearer}`}});
	return {status: answer.status, text: answer.text, contentType: answer.headers.get('content-type')};
}

// The value of one series in Prometheus text, 0 when absent.
function value(text: string, series: string): number {
	const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
	return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
	it('answers Prometheus text to its bearer only, and 401 to no or a wrong one', async () => {
		const read = await metrics();
		expect(read.status).toBe(200);
		expect(read.contentType).toMatch(/^text\/plain/);
		expect(read.text).toMatch(/^# HELP signet_http_requests_total /m);
		expect(read.text).toMatch(/^process_cpu_user_seconds_total /m);
		// Which clients enforce, for the alert on failures: one series per client served.
		expect(read.text).toMatch(/^signet_client_enforcing\{client="ct_enforce"\} 1$/m);
		expect(read.text).toMatch(/^signet_client_enforcing\{client="ct_test"\} 0$/m);
		expect((await metrics(null)).status).toBe(401);
		expect((await metrics('mb_wrong_bearer_of_some_length')).status).toBe(401);
	});

	it('moves the identify counters by exactly the calls made: three verified, two hash_invalid with hint user_id_case', async () => {
		const before = (await metrics()).text;
		for (const userId of ['m1', 'm2', 'm3']) {
			await api.post('/v1/identify', identifyBody(signIdentity(userId, SECRET)));
		}

		for (const userId of ['Ada@Example.com', 'Bo@Example.com']) {
			const lowerCased = createHmac('sha256', SECRET).update(userId.toLowerCase()).digest('hex');
			expect((await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', userId, hash: lowerCased}))).status).toBe(403);
		}

		const after = (await metrics()).text;
		const moved = (series: string) => value(after, series) - value(before, series);
		expect(moved('signet_identify_total{client="ct_test",verification="ok",hint=""}')).toBe(3);
		expect(moved('signet_identify_total{client="ct_enforce",verification="hash_invalid",hint="user_id_case"}')).toBe(2);
		expect(moved('signet_http_requests_total{route="identify",status="200"}')).toBe(3);
		expect(moved('signet_http_requests_total{route="identify",status="403"}')).toBe(2);
		expect(moved('signet_http_request_duration_seconds_count{route="identify"}')).toBe(5);
	});

	it('counts rate-limited calls by limit', async () => {
		const before = value((await metrics()).text, 'signet_rate_limited_total{limit="visitor"}');
		const anonymousId = randomUUID();
		for (let call = 0; call < 4; call++) {
			await api.post('/v1/identify', identifyBody({anonymousId}));
		}

		expect(value((await metrics()).text, 'signet_rate_limited_total{limit="visitor"}') - before).toBe(1);
	});

	it('grows no label beyond known clients, route names and unknown, whatever tokens and paths a flood sends', async () => {
		for (let call = 0; call < 30; call++) {
			await api.post('/v1/identify', identifyBody({clientToken: `ct_${randomUUID()}`}));
			await api.request(`/${randomUUID()}/v1/${randomUUID()}`, {method: 'GET'});
		}

		const text = (await metrics()).text;
		const clients = new Set([...text.matchAll(/client="([^"]*)"/g)].map((match) => match[1]));
		const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((match) => match[1]));
		expect([...clients].filter((client) => !['ct_test', 'ct_enforce', 'unknown'].includes(client))).toEqual([]);
		expect([...routes].filter((route) => !['identify', 'user', 'logout', 'readiness', 'admin', 'healthz', 'readyz', 'metrics', 'other'].includes(route))).toEqual([]);
		expect(text).not.toContain(SECRET);
		expect(text).not.toContain(BEARER);
	});

	it("keeps its metrics on a registry of its own: the application's default registry holds none of them", () => {
		expect(defaultRegistry.getSingleMetric('signet_identify_total')).toBeUndefined();
		expect(defaultRegistry.getSingleMetric('signet_http_requests_total')).toBeUndefined();
	});
});

describe('metrics with the control plane', () => {
	it('lets any admin credential read /metrics (a viewer made for the scraper), counts admin changes and store errors', async () => {
		const owner = `sok_${randomBytes(32).toString('base64url')}`;
		const store = new MemoryStore();
		// The MemoryStore, its methods bound to it, but counting fails as a lost database would.
		const failing = new Proxy(store, {
			get: (target, name) =>
				name === 'countCalls'
					? () => {
							throw new Error('connection reset');
						}
					: typeof Reflect.get(target, name) === 'function'
						? (Reflect.get(target, name) as (...args: unknown[]) => unknown).bind(target)
						: Reflect.get(target, name),
		});
		const server = await startServer(createIdentityHandler({clients: {ct_test: {secrets: [SECRET]}}, store: failing, admin: {ownerKey: owner}, metrics: true}));
		try {
			const call = async (method: string, path: string, key: string, body?: unknown) => {
				const response = await fetch(server.url + path, {method, headers: {Authorization: `Bearer ${key}`}, body: body === undefined ? undefined : JSON.stringify(body)});
				return {status: response.status, text: await response.text()};
			};

			const made = JSON.parse((await call('POST', '/v1/admin/credentials', owner, {name: 'scraper', role: 'viewer'})).text) as {key: string};
			await call('POST', '/v1/admin/clients', owner, {name: 'Shop'});
			expect((await call('POST', '/v1/identify', owner, identifyBody())).status).toBe(503);
			const read = await call('GET', '/metrics', made.key);
			expect(read.status).toBe(200);
			expect(value(read.text, 'signet_admin_changes_total{action="client.create"}')).toBe(1);
			expect(value(read.text, 'signet_admin_changes_total{action="credential.create"}')).toBe(1);
			expect(value(read.text, 'signet_store_errors_total{operation="countCalls"}')).toBe(1);
			// A wrong credential is counted in the store, which fails here: 503, never the metrics.
			expect((await call('GET', '/metrics', `sak_${randomUUID()}`)).status).toBe(503);
		} finally {
			await server.close();
		}
	});

	it('answers 404 without metrics, and refuses metrics: true without the control plane', async () => {
		const plain = createIdentityHandler({clients: {ct_test: {secrets: [SECRET]}}});
		expect((await plain(new Request('https://api.example.com/metrics'), {clientIp: '192.0.2.1'})).status).toBe(404);
		expect(() => createIdentityHandler({clients: {ct_test: {secrets: [SECRET]}}, metrics: true})).toThrow(/control plane/);
		expect(() => createIdentityHandler({clients: {ct_test: {secrets: [SECRET]}}, metrics: {bearer: 'short'}})).toThrow(/bearer/);
	});
});

import {createHmac, randomUUID} from 'node:crypto';
import {afterAll, describe, expect, it} from 'vitest';
import {createIdentityHandler, MemoryStore, signIdentity, startServer} from '../../../src/server/index';
import {READINESS_REQUESTS_PER_WINDOW} from '../../../src/server/api/readiness';
import {clock, identifyBody, serve} from '../support/helpers';

const KEY = 'sk_test_readiness_Vb61';
const ADMIN = 'ak_test_readiness_admin_Qz83nT';
const OTHER_ADMIN = 'ak_test_readiness_other_Lm20pW';
const time = clock('2026-11-21T12:00:00.000Z');
const api = await serve({
	now: time.now,
	clients: {
		ct_monitor: {secrets: [KEY], adminKey: ADMIN},
		ct_enforce: {secrets: [KEY], enforce: true, adminKey: OTHER_ADMIN},
		ct_clean: {secrets: [KEY], adminKey: ADMIN},
		ct_nokey: {secrets: [KEY]},
	},
});

function report(query: string, adminKey?: string) {
	const headers: Record<string, string> = adminKey === undefined ? {} : {Authorization: `Bearer ${adminKey}`};
	return api.request(`/v1/readiness?${query}`, {headers});
}

function identify(clientToken: string, fields: Record<string, unknown>) {
	return api.post('/v1/identify', identifyBody({clientToken, ...fields}));
}

const lowerCased = createHmac('sha256', KEY).update('ada@example.com').digest('hex');

describe('GET /v1/readiness', () => {
	it('counts exactly the calls made, per code and per hint, with the newest failures first', async () => {
		await identify('ct_monitor', {userId: '1', hash: signIdentity('1', KEY).hash});
		await identify('ct_monitor', {userId: '2', hash: signIdentity('2', KEY).hash});
		await identify('ct_monitor', {userId: '3'});
		time.advance(1000);
		await identify('ct_monitor', {userId: 'Ada@Example.com', hash: lowerCased});
		time.advance(1000);
		await identify('ct_monitor', {userId: '4', hash: 'ab'.repeat(32)});
		await identify('ct_monitor', signIdentity('5', KEY, {expiration: '2026-11-21T11:00:00.000Z'}));
		// A retry of the same call is the same call: it is not counted twice.
		const retried = identifyBody({clientToken: 'ct_monitor', userId: '6', hash: signIdentity('6', KEY).hash});
		await api.post('/v1/identify', retried);
		await api.post('/v1/identify', retried);

		const answer = await report('clientToken=ct_monitor', ADMIN);
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			total: 7,
			byCode: {ok: 3, hash_missing: 1, hash_invalid: 2, hash_expired: 1},
			byHint: {user_id_case: 1},
			recentFailures: [
				{userId: '5', code: 'hash_expired', at: '2026-11-21T12:00:02.000Z'},
				{userId: '4', code: 'hash_invalid', at: '2026-11-21T12:00:02.000Z'},
				{userId: 'Ada@Example.com', code: 'hash_invalid', hint: 'user_id_case', at: '2026-11-21T12:00:01.000Z'},
				{userId: '3', code: 'hash_missing', at: '2026-11-21T12:00:00.000Z'},
			],
			hours: 24,
			safeToEnforce: false,
		});
	});

	it('counts the calls an enforcing client refused (403) too', async () => {
		await identify('ct_enforce', {userId: 'Ada@Example.com', hash: lowerCased});
		await identify('ct_enforce', {userId: '7', hash: signIdentity('7', KEY).hash});

		const answer = await report('clientToken=ct_enforce', OTHER_ADMIN);
		expect(answer.body).toMatchObject({total: 2, byCode: {ok: 1, hash_invalid: 1}, byHint: {user_id_case: 1}, safeToEnforce: false});
	});

	it('says safeToEnforce only when there were calls and every one verified', async () => {
		expect((await report('clientToken=ct_clean', ADMIN)).body).toMatchObject({total: 0, safeToEnforce: false});

		await identify('ct_clean', {userId: '8', hash: signIdentity('8', KEY).hash});
		await identify('ct_clean', {userId: '9', hash: signIdentity('9', KEY, {encoding: 'base64'}).hash});

		expect((await report('clientToken=ct_clean', ADMIN)).body).toEqual({total: 2, byCode: {ok: 2}, byHint: {}, recentFailures: [], hours: 24, safeToEnforce: true});
	});

	it('reports the window asked for in ?hours=, a day by default', async () => {
		time.advance(3 * 3_600_000);
		await identify('ct_clean', {userId: '10'});

		expect((await report('clientToken=ct_clean&hours=1', ADMIN)).body).toMatchObject({total: 1, byCode: {hash_missing: 1}, hours: 1, safeToEnforce: false});
		expect((await report('clientToken=ct_clean', ADMIN)).body).toMatchObject({total: 3, hours: 24});
	});

	it.each(['0', '169', '1.5', '-1', 'day', ''])('answers 400 naming hours for ?hours=%s', async (hours) => {
		const answer = await report(`clientToken=ct_clean&hours=${hours}`, ADMIN);
		expect(answer.status).toBe(400);
		expect(answer.body).toMatchObject({error: {code: 'invalid_request', field: 'hours'}});
	});

	it.each([
		['no Authorization header', 'ct_monitor', undefined],
		['a wrong admin key', 'ct_monitor', 'ak_test_readiness_admin_Qz83nU'],
		['the admin key with something appended', 'ct_monitor', `${ADMIN}x`],
		["another client's admin key", 'ct_monitor', OTHER_ADMIN],
		['a signing key', 'ct_monitor', KEY],
		['a client without an admin key', 'ct_nokey', ADMIN],
	])('answers 401 admin_key_invalid, and no report, for %s', async (_, clientToken, adminKey) => {
		const answer = await report(`clientToken=${clientToken}`, adminKey);
		expect(answer.status).toBe(401);
		expect(answer.body).toEqual({error: {code: 'admin_key_invalid', message: expect.stringContaining('Authorization: Bearer <adminKey>')}});
	});

	it('answers 401 unknown_client_token for a missing or unknown client token', async () => {
		for (const query of ['', 'clientToken=ct_nobody', 'clientToken=']) {
			expect((await report(query, ADMIN)).body).toMatchObject({error: {code: 'unknown_client_token'}});
		}
	});

	it('answers GET only', async () => {
		const answer = await api.request('/v1/readiness?clientToken=ct_monitor', {method: 'POST', headers: {Authorization: `Bearer ${ADMIN}`}, body: '{}'});
		expect(answer.status).toBe(405);
		expect(answer.headers.get('allow')).toBe('GET');
	});

	it('never puts a key, a hash, the admin key or a session token in an answer or a log line', async () => {
		const sessions = api.answers.flatMap((text) => [...text.matchAll(/"token":"([\w-]{43})"/g)].map((match) => match[1]));
		const reports = api.answers.filter((text) => text.includes('safeToEnforce')).join('\n');
		for (const secret of [KEY, ADMIN, OTHER_ADMIN, lowerCased, signIdentity('1', KEY).hash, ...sessions]) {
			expect(reports).not.toContain(secret);
			expect(api.logs.join('\n')).not.toContain(secret);
		}

		expect(api.records()).toContainEqual(expect.objectContaining({route: 'readiness', method: 'GET', status: 200, clientToken: 'ct_monitor'}));
		expect(api.records()).toContainEqual(expect.objectContaining({route: 'readiness', status: 401, outcome: 'admin_key_invalid'}));
	});
});

describe('guessing the admin key', async () => {
	const handler = createIdentityHandler({
		clients: {ct_guarded: {secrets: [KEY], adminKey: ADMIN}},
		store: new MemoryStore(),
		now: () => new Date('2026-11-21T12:00:30.000Z'),
	});
	const server = await startServer(handler, {trustProxy: true});
	afterAll(() => server.close());
	const get = (address: string, adminKey: string) =>
		fetch(`${server.url}/v1/readiness?clientToken=ct_guarded`, {headers: {Authorization: `Bearer ${adminKey}`, 'X-Forwarded-For': address}});

	it('answers 429 to every request past the limit, the right key too, so a guess learns nothing', async () => {
		for (let attempt = 0; attempt < READINESS_REQUESTS_PER_WINDOW; attempt++) {
			expect((await get('198.51.100.7', `ak_guess_${randomUUID()}`)).status).toBe(401);
		}

		const wrong = await get('198.51.100.7', `ak_guess_${randomUUID()}`);
		const right = await get('198.51.100.7', ADMIN);
		expect([wrong.status, right.status]).toEqual([429, 429]);
		expect(right.headers.get('retry-after')).toBe('30');
		expect(await right.text()).toBe(await wrong.text());
	});

	it('still answers the admin from another address while a guesser is held off', async () => {
		const answer = await get('203.0.113.9', ADMIN);
		expect(answer.status).toBe(200);
		expect(await answer.json()).toMatchObject({total: 0, safeToEnforce: false});
	});
});

describe('readiness as a plain Fetch handler', () => {
	const get = (handler: (request: Request) => Promise<Response>, address: string, adminKey: string) =>
		handler(new Request('https://api.example.com/v1/readiness?clientToken=ct_fetch', {headers: {Authorization: `Bearer ${adminKey}`, 'X-Client-IP': address}}));
	const clients = {ct_fetch: {secrets: [KEY], adminKey: ADMIN}};

	it("does not let guesses from one address lock out the admin at another, with the clientIp option", async () => {
		const handler = createIdentityHandler({clients, clientIp: (request) => request.headers.get('x-client-ip') ?? undefined});
		for (let attempt = 0; attempt <= READINESS_REQUESTS_PER_WINDOW; attempt++) {
			await get(handler, '198.51.100.7', `ak_guess_${randomUUID()}`);
		}

		expect((await get(handler, '198.51.100.7', ADMIN)).status).toBe(429);
		expect((await get(handler, '203.0.113.9', ADMIN)).status).toBe(200);
	});

	it('warns once, on the first call without an IP, that per-IP limits are off', async () => {
		const warnings: Array<{name: string; code?: string; message: string}> = [];
		const listen = (warning: Error & {code?: string}) => warnings.push(warning);
		process.on('warning', listen);
		try {
			const handler = createIdentityHandler({clients});
			await get(handler, '198.51.100.7', ADMIN);
			await get(handler, '203.0.113.9', ADMIN);
			const withIp = createIdentityHandler({clients, clientIp: () => '192.0.2.1'});
			await get(withIp, '192.0.2.1', ADMIN);
			await new Promise((resolve) => setImmediate(resolve));
		} finally {
			process.off('warning', listen);
		}

		expect(warnings.filter((warning) => warning.code === 'SIGNET_NO_CLIENT_IP')).toEqual([expect.objectContaining({message: expect.stringMatching(/per-IP rate limits are off.*clientIp/)})]);
	});
});

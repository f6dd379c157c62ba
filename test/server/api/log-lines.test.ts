// JSON log lines (SPEC §7) over real HTTP: one per answer and one per admin
// change, with the named fields only, a request id echoed to the caller,
// levels that single out attacks and failures, and nothing secret in any line.
import {randomBytes, randomUUID} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {type AdminChangeLog, type AnswerLog, MAX_REQUEST_ID_LENGTH, signIdentity, signIdentityToken} from '../../../src/server/index';
import {identifyBody, SECRET, serve, TOKEN_SECRET} from '../support/helpers';

const OWNER = `sok_${randomBytes(24).toString('base64url')}`;
const api = await serve({
	clients: {
		ct_test: {secrets: [SECRET], allowedOrigins: ['https://app.example.com']},
		ct_tokens: {tokenSecrets: [TOKEN_SECRET], enforce: true},
	},
	admin: {ownerKey: OWNER, masterKey: randomBytes(32).toString('base64')},
	rateLimit: {max: 4, windowMs: 60_000},
});
const admin = (key: string, method: string, path: string, body?: unknown) =>
	api.request(`/v1/admin/${path}`, {method, headers: {Authorization: `Bearer ${key}`, 'Content-Type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)});
const answers = () => api.records().filter((record): record is AnswerLog => !('event' in record));

describe('JSON log lines', () => {
	it('writes one JSON line per answer, in printable ASCII, with user ids that cannot forge or disguise a line', async () => {
		const forged = ['alice\u2028{"level":"info","status":200}', 'bob\u0085forged', 'eve\u2029x', 'mallory\u202Ekooltuo', 'trent\u2066\u200Fz', 'zoë'];
		const before = api.logs.length;
		for (const userId of forged) {
			expect((await api.post('/v1/identify', identifyBody({userId}))).status).toBe(200);
		}

		const lines = api.logs.slice(before);
		expect(lines).toHaveLength(forged.length);
		for (const line of lines) {
			expect(line).toMatch(/^\{[\x20-\x7e]*\}$/);
		}

		// Each id comes back whole from its own line, as data.
		expect(lines.map((line) => JSON.parse(line).userId)).toEqual(forged);
		expect(lines[5]).toContain('"userId":"zo\\u00eb"');
	});

	it('takes a safe X-Request-Id from the caller, makes one otherwise, and sends it back on every answer', async () => {
		const sent = await api.post('/v1/identify', identifyBody(), {headers: {'X-Request-Id': 'lb-7f3a.42:x_1'}});
		expect(sent.headers.get('x-request-id')).toBe('lb-7f3a.42:x_1');
		expect(api.records().at(-1)).toMatchObject({requestId: 'lb-7f3a.42:x_1'});

		const made = new Set<string>();
		for (const unsafe of [`a${'b'.repeat(MAX_REQUEST_ID_LENGTH)}`, 'has space', 'quote"d', '<script>', '']) {
			const answer = await api.post('/v1/identify', identifyBody(), {headers: {'X-Request-Id': unsafe}});
			const id = answer.headers.get('x-request-id')!;
			expect(id).toMatch(/^[\w-]+$/);
			expect(id).not.toBe(unsafe);
			expect(api.records().at(-1)).toMatchObject({requestId: id});
			made.add(id);
		}

		expect(made.size).toBe(5);
		for (const [path, init] of [['/nowhere', {}], ['/v1/identify', {method: 'OPTIONS', headers: {Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST'}}], ['/healthz', {}]] as const) {
			const answer = await api.request(path, init);
			expect(answer.headers.get('x-request-id')).toBe(api.records().at(-1)!.requestId);
		}

		expect(api.records().at(-3)).toMatchObject({route: 'other', status: 404, outcome: 'not_found'});
	});

	it('logs a rate-limited call and a repeated wrong admin key as warn, the first wrong key as info', async () => {
		const anonymousId = randomUUID();
		let status = 200;
		while (status !== 429) {
			status = (await api.post('/v1/identify', identifyBody({anonymousId}))).status;
		}

		expect(answers().at(-1)).toMatchObject({level: 'warn', status: 429, outcome: 'rate_limited', clientToken: 'ct_test'});
		await admin('sok_not_the_owner_key_but_long_enough', 'GET', 'clients');
		expect(answers().at(-1)).toMatchObject({level: 'info', route: 'admin', status: 401, outcome: 'admin_unauthorized'});
		await admin('sok_not_the_owner_key_but_long_enough', 'GET', 'clients');
		expect(answers().at(-1)).toMatchObject({level: 'warn', route: 'admin', status: 401});
	});

	it('writes one more line per admin change: who made it, which action, to which client and key', async () => {
		const made = await admin(OWNER, 'POST', 'clients', {name: 'Logged'});
		const token = made.body.client.token as string;
		const key = await admin(OWNER, 'POST', `clients/${token}/keys`, {type: 'secret'});
		const keyId = key.body.key.id as string;
		await admin(OWNER, 'POST', `clients/${token}/keys/${keyId}/retire`);
		const listed = api.logs.length;
		await admin(OWNER, 'GET', 'clients');
		expect(api.logs.length).toBe(listed + 1);

		const changes = api.records().filter((record): record is AdminChangeLog => 'event' in record);
		expect(changes.slice(-3)).toEqual([
			{time: expect.any(String), level: 'info', requestId: made.headers.get('x-request-id'), event: 'admin_change', action: 'client.create', actor: {id: expect.any(String), role: 'owner'}, clientToken: token},
			{time: expect.any(String), level: 'info', requestId: key.headers.get('x-request-id'), event: 'admin_change', action: 'key.create', actor: {id: expect.any(String), role: 'owner'}, clientToken: token, keyId},
			expect.objectContaining({action: 'key.retire', clientToken: token, keyId}),
		]);
	});

	it('holds no hash, token, secret, credential or session token used in this run, in any line', async () => {
		const used: string[] = [SECRET, TOKEN_SECRET, OWNER];
		for (const userId of ['ada', 'grace']) {
			const signed = signIdentity(userId, SECRET);
			const answer = await api.post('/v1/identify', identifyBody({userId, hash: signed.hash}));
			used.push(signed.hash, answer.body.session.token);
			const wrong = signIdentity(userId.toUpperCase(), SECRET).hash;
			await api.post('/v1/identify', identifyBody({userId, hash: wrong}));
			used.push(wrong);
			const token = await signIdentityToken({userId}, TOKEN_SECRET, {audience: 'ct_tokens'});
			await api.post('/v1/identify', identifyBody({clientToken: 'ct_tokens', userId, token}));
			const altered = `${token.slice(0, -2)}AA`;
			await api.post('/v1/identify', identifyBody({clientToken: 'ct_tokens', userId, token: altered}));
			used.push(token, altered);
			await api.post('/v1/user', {clientToken: 'ct_test', anonymousId: randomUUID(), metadata: {}, messageId: randomUUID(), sentAt: new Date().toISOString()}, {headers: {Authorization: `Bearer ${answer.body.session.token}`}});
		}

		const client = (await admin(OWNER, 'POST', 'clients', {name: 'Secrets'})).body.client.token as string;
		const key = await admin(OWNER, 'POST', `clients/${client}/keys`, {type: 'secret'});
		const viewer = await admin(OWNER, 'POST', 'credentials', {name: 'scraper', role: 'viewer'});
		used.push(key.body.secret, viewer.body.key);
		await admin(viewer.body.key, 'GET', 'clients');

		const everything = api.logs.join('\n');
		expect(api.logs.length).toBeGreaterThan(20);
		for (const value of used) {
			expect(value.length).toBeGreaterThanOrEqual(16);
			expect(everything).not.toContain(value);
		}
	});

	it('answers as usual when the log itself throws', async () => {
		const failing = await serve({log: () => {
			throw new Error('disk full');
		}});
		expect((await failing.post('/v1/identify', identifyBody(signIdentity('42', SECRET)))).status).toBe(200);
	});
});

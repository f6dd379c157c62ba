// Two reference-API processes (the built files) on one PostgreSQL database,
// as a platform runs them behind a load balancer: what one instance did, the
// other knows. Then the crashes: an instance killed, the database restarted
// under load.
import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {startDemo} from '../../../../examples/demo.mjs';
import {signIdentity} from '../../../../src/server/index';
import {PostgresStore} from '../../../../src/server/store/postgres/index';
import {type ApiProcess, startApiProcess} from '../../../support/api-processes';
import {describePostgres, type PostgresCluster, startPostgres} from '../../../support/postgres';

const SECRET = 'sk_test_instances_4Rz8';
const CLIENT = 'ct_multi';
// Five calls per visitor in a day-long window: small enough to reach, long
// enough that no test straddles two windows. Every call comes from
// 127.0.0.1, so the per-address limit is out of the way.
const CONFIG = {clients: {[CLIENT]: {secrets: [SECRET], enforce: true}}, rateLimit: {max: 5, windowMs: 86_400_000, perIp: 1_000_000}};

type Answer = {status: number; headers: Headers; body: any};

async function post(api: ApiProcess, path: string, body: Record<string, unknown>, token?: string): Promise<Answer> {
	const headers: Record<string, string> = {'Content-Type': 'text/plain;charset=UTF-8'};
	if (token !== undefined) {
		headers.Authorization = `Bearer ${token}`;
	}

	const response = await fetch(api.url + path, {method: 'POST', headers, body: JSON.stringify(body)});
	const text = await response.text();
	return {status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text)};
}

function identify(userId: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
	return {clientToken: CLIENT, anonymousId: randomUUID(), messageId: randomUUID(), sentAt: new Date().toISOString(), ...signIdentity(userId, SECRET), ...fields};
}

describePostgres('two API processes on one PostgreSQL database', () => {
	let cluster: PostgresCluster;
	let databaseUrl: string;
	let a: ApiProcess;
	let b: ApiProcess;
	let store: PostgresStore;
	beforeAll(async () => {
		cluster = await startPostgres();
		databaseUrl = await cluster.createDatabase();
		// Both migrate the fresh database at the same moment.
		[a, b] = await Promise.all([startApiProcess(databaseUrl, CONFIG), startApiProcess(databaseUrl, CONFIG)]);
		store = new PostgresStore({connectionString: databaseUrl}, {sweepIntervalMs: 0});
	});
	afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop(), store?.close()]);
		await cluster?.remove();
	});

	it('applies a retry that reaches the other instance once, and answers it the same', async () => {
		const body = identify('retry-user', {metadata: {plan: 'pro'}});
		const [first, copy] = await Promise.all([post(a, '/v1/identify', body), post(b, '/v1/identify', body)]);
		const retry = await post(b, '/v1/identify', {...body, sentAt: new Date().toISOString()});
		expect([first.status, copy.status, retry.status]).toEqual([200, 200, 200]);
		expect(copy.body).toEqual(first.body);
		expect(retry.body).toEqual(first.body);
		expect(first.body.session.token).toEqual(expect.any(String));
		expect(await store.getUser(CLIENT, 'retry-user')).toMatchObject({applied: 1, metadata: {plan: 'pro'}});
	});

	it('ends the session on every instance when the user logs out on one', async () => {
		const body = identify('logout-user');
		const {session} = (await post(a, '/v1/identify', body)).body;
		const visitor = {clientToken: CLIENT, anonymousId: body.anonymousId};
		expect((await post(b, '/v1/user', {...visitor, messageId: randomUUID(), metadata: {seen: true}}, session.token)).status).toBe(200);
		expect((await post(a, '/v1/logout', {...visitor, messageId: randomUUID()}, session.token)).status).toBe(200);
		const after = await post(b, '/v1/user', {...visitor, messageId: randomUUID(), metadata: {seen: 2}}, session.token);
		expect(after.status).toBe(401);
		expect(after.body.error.code).toBe('session_invalid');
	});

	it('counts one rate limit for a visitor across both instances', async () => {
		const anonymousId = randomUUID();
		const statuses: number[] = [];
		for (let call = 0; call < 8; call++) {
			statuses.push((await post(call % 2 ? b : a, '/v1/identify', identify('limited-user', {anonymousId}))).status);
		}

		expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
	});

	it('loses no metadata key when 20 identifies of one user race on both instances', async () => {
		const answers = await Promise.all(Array.from({length: 20}, (_, index) => post(index % 2 ? b : a, '/v1/identify', identify('racing-user', {metadata: {[`key${index}`]: index}}))));
		expect(answers.map((answer) => answer.status)).toEqual(Array.from({length: 20}, () => 200));
		const record = await store.getUser(CLIENT, 'racing-user');
		expect(Object.keys(record!.metadata).sort()).toEqual(Array.from({length: 20}, (_, index) => `key${index}`).sort());
		expect(record!.applied).toBe(20);
	});

	it("keeps a killed instance's sessions working when it starts again", async () => {
		const body = identify('crash-user');
		const {session} = (await post(a, '/v1/identify', body)).body;
		await a.kill();
		a = await startApiProcess(databaseUrl, CONFIG);
		const answer = await post(a, '/v1/user', {clientToken: CLIENT, anonymousId: body.anonymousId, messageId: randomUUID(), metadata: {back: true}}, session.token);
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({userId: 'crash-user', verified: true, session: {token: session.token}});
	});

	it('answers 503 with Retry-After while PostgreSQL restarts under load, never a 200 it did not store, and recovers without restarting the API', async () => {
		const answered: Array<{userId: string; status: number}> = [];
		let loading = true;
		let sent = 0;
		// Two callers, one per instance, each a bounded loop of fresh calls.
		const load = async (api: ApiProcess) => {
			for (let call = 0; loading && call < 400; call++) {
				const userId = `load-${sent++}`;
				const answer = await post(api, '/v1/identify', identify(userId, {metadata: {n: call}}));
				answered.push({userId, status: answer.status});
				await new Promise((resolve) => setTimeout(resolve, 5));
			}
		};
		const callers = Promise.all([load(a), load(b)]);

		await new Promise((resolve) => setTimeout(resolve, 200));
		await cluster.stop();
		const down = await post(a, '/v1/identify', identify('while-down'));
		expect(down.status).toBe(503);
		expect(down.body.error.code).toBe('store_unavailable');
		expect(Number(down.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(Number(down.headers.get('retry-after'))).toBeLessThanOrEqual(5);
		await cluster.start();

		// Bounded: at most 100 tries per instance, 100 ms apart.
		for (const api of [a, b]) {
			let status = 0;
			for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
				status = (await post(api, '/v1/identify', identify(`after-${attempt}`))).status;
				if (status !== 200) {
					await new Promise((resolve) => setTimeout(resolve, 100));
				}
			}

			expect(status).toBe(200);
		}

		loading = false;
		await callers;
		expect(answered.filter((answer) => answer.status !== 200 && answer.status !== 503)).toEqual([]);
		expect(answered.some((answer) => answer.status === 200)).toBe(true);
		for (const {userId} of answered.filter((answer) => answer.status === 200)) {
			expect(await store.getUser(CLIENT, userId), `${userId} was answered 200`).toBeDefined();
		}
	}, 60_000);

	it('keeps the demo API state in PostgreSQL when given DATABASE_URL', async () => {
		const demoDatabase = await cluster.createDatabase();
		const demo = await startDemo({apiPort: 0, sitePort: 0, secret: SECRET, databaseUrl: demoDatabase});
		const reader = new PostgresStore({connectionString: demoDatabase}, {sweepIntervalMs: 0});
		try {
			expect(demo.store).toBe('PostgreSQL');
			const body = {clientToken: demo.clientToken, anonymousId: randomUUID(), messageId: randomUUID(), ...signIdentity('1042', SECRET), metadata: {from: 'demo'}};
			const response = await fetch(`${demo.apiUrl}/v1/identify`, {method: 'POST', body: JSON.stringify(body)});
			expect(response.status).toBe(200);
			expect(await reader.getUser(demo.clientToken, '1042')).toMatchObject({metadata: {from: 'demo'}, verified: true});
		} finally {
			await Promise.all([demo.close(), reader.close()]);
		}
	});
});

// A page reload opens no new session on a shared store: the visitor's live
// session is found in PostgreSQL, from any instance, and answered again,
// while the database holds nothing that opens it.
import {randomUUID} from 'node:crypto';
import pg from 'pg';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {createIdentityHandler, signIdentity} from '../../../../src/server/index';
import {PostgresStore} from '../../../../src/server/store/postgres/index';
import {describePostgres, type PostgresCluster, startPostgres} from '../../../support/postgres';

const SECRET = 'sk_test_shared_sessions_0123456789abcdefgh';
const CLIENT = 'ct_shared_sessions';

describePostgres('sessions reused across instances on PostgreSQL', () => {
	let cluster: PostgresCluster;
	let connectionString: string;
	let stores: PostgresStore[];
	beforeAll(async () => {
		cluster = await startPostgres();
		connectionString = await cluster.createDatabase();
		// Two instances: a store (and pool) and a handler each.
		stores = [new PostgresStore({connectionString}, {sweepIntervalMs: 0}), new PostgresStore({connectionString}, {sweepIntervalMs: 0})];
		await stores[0].migrate();
	});
	afterAll(async () => {
		await Promise.all(stores?.map((store) => store.close()) ?? []);
		await cluster?.remove();
	});

	const callers = () =>
		stores.map((store) => {
			const handler = createIdentityHandler({clients: {[CLIENT]: {secrets: [SECRET], enforce: true}}, store});
			return async (path: string, body: Record<string, unknown>, token?: string) => {
				const headers: Record<string, string> = token === undefined ? {} : {Authorization: `Bearer ${token}`};
				const response = await handler(new Request(`http://api.test${path}`, {method: 'POST', headers, body: JSON.stringify(body)}), {clientIp: '203.0.113.8'});
				return {status: response.status, body: await response.json()};
			};
		});
	const sessionRows = async (anonymousId: string) => {
		const client = new pg.Client({connectionString});
		await client.connect();
		try {
			return (await client.query('SELECT * FROM signet_sessions WHERE anonymous_id = $1', [anonymousId])).rows;
		} finally {
			await client.end();
		}
	};

	it('answers a visitor the same session on every page load, on either instance, from one row that does not hold the token', async () => {
		const [a, b] = callers();
		const anonymousId = randomUUID();
		const load = (call: typeof a) => call('/v1/identify', {clientToken: CLIENT, anonymousId, messageId: randomUUID(), metadata: {plan: 'pro'}, ...signIdentity('reload-user', SECRET)});
		const first = await load(a);
		expect(first.status).toBe(200);
		const loads = [await load(b), await load(a), await load(b)];
		expect(loads.map((answer) => answer.body.session)).toEqual([first.body.session, first.body.session, first.body.session]);

		const rows = await sessionRows(anonymousId);
		expect(rows).toHaveLength(1);
		expect(JSON.stringify(rows)).not.toContain(first.body.session.token);

		// The session works on both instances, and a logout on one ends it for the next load too.
		const update = await b('/v1/user', {clientToken: CLIENT, anonymousId, messageId: randomUUID(), metadata: {seen: true}}, first.body.session.token);
		expect(update).toMatchObject({status: 200, body: {verified: true}});
		expect((await a('/v1/logout', {clientToken: CLIENT, anonymousId, messageId: randomUUID()}, first.body.session.token)).status).toBe(200);
		const after = await load(b);
		expect(after.status).toBe(200);
		expect(after.body.session.token).not.toBe(first.body.session.token);
		expect(await sessionRows(anonymousId)).toHaveLength(1);
	});

	it('opens a new session for another proof, another visitor or another user', async () => {
		const [a, b] = callers();
		const anonymousId = randomUUID();
		const load = (call: typeof a, userId: string, visitor: string, fields: Record<string, unknown> = signIdentity(userId, SECRET)) =>
			call('/v1/identify', {clientToken: CLIENT, anonymousId: visitor, messageId: randomUUID(), ...fields});
		const first = await load(a, 'proof-user', anonymousId);
		const expiring = signIdentity('proof-user', SECRET, {expiration: new Date(Date.now() + 3_600_000)});
		const tokens = [
			(await load(b, 'proof-user', anonymousId, expiring)).body.session.token,
			(await load(b, 'proof-user', randomUUID())).body.session.token,
			(await load(b, 'other-user', anonymousId)).body.session.token,
		];
		expect(new Set([first.body.session.token, ...tokens]).size).toBe(4);
	});
});

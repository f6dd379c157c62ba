// What an answered call leaves in PostgreSQL survives a crash of the
// database: on a cluster as durable as a production one (fsync and
// synchronous commit on), killed without a checkpoint right after the
// answers, every call's user change, session and outcome is still there,
// and a retry gets the first answer without applying the call again,
// though the remembered answers (UNLOGGED) are gone.
import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {createIdentityHandler, signIdentity} from '../../../../src/server/index';
import {PostgresStore} from '../../../../src/server/store/postgres/index';
import {describePostgres, type PostgresCluster, startPostgres} from '../../../support/postgres';

const SECRET = 'sk_test_durable_7Qw2';
const CLIENT = 'ct_durable';

describePostgres('PostgresStore through a crash of PostgreSQL', () => {
	let cluster: PostgresCluster;
	let store: PostgresStore;
	beforeAll(async () => {
		cluster = await startPostgres({durable: true});
		store = new PostgresStore({connectionString: await cluster.createDatabase()}, {sweepIntervalMs: 0});
		await store.migrate();
	});
	afterAll(async () => {
		await store?.close();
		await cluster?.remove();
	});

	it('keeps every answered identify (its answer, user, session and outcome) when PostgreSQL is killed right after answering', async () => {
		const handler = createIdentityHandler({clients: {[CLIENT]: {secrets: [SECRET], enforce: true}}, store});
		const call = async (path: string, body: Record<string, unknown>, token?: string) => {
			const headers: Record<string, string> = {'Content-Type': 'text/plain;charset=UTF-8', ...(token === undefined ? {} : {Authorization: `Bearer ${token}`})};
			const response = await handler(new Request(`http://api.test${path}`, {method: 'POST', headers, body: JSON.stringify(body)}), {clientIp: '203.0.113.9'});
			return {status: response.status, body: await response.json()};
		};

		const bodies = Array.from({length: 20}, (_, index) => ({
			clientToken: CLIENT,
			anonymousId: randomUUID(),
			messageId: randomUUID(),
			metadata: {n: index},
			...signIdentity(`crash-user-${index}`, SECRET),
		}));
		const answers = await Promise.all(bodies.map((body) => call('/v1/identify', body)));
		expect(answers.map((answer) => answer.status)).toEqual(bodies.map(() => 200));
		await cluster.crash();
		await cluster.start();

		// The pool drops the connections the crash cut: 503s until it has new ones.
		let retries = await Promise.all(bodies.map((body) => call('/v1/identify', body)));
		for (let attempt = 0; attempt < 20 && retries.some((retry) => retry.status === 503); attempt++) {
			retries = await Promise.all(bodies.map((body) => call('/v1/identify', body)));
		}

		// Each retry gets the first answer (the same session token) and was not applied again: the
		// remembered answers were in an UNLOGGED table, which the crash emptied, so each retry ran
		// again, found its call already applied (the user's call digest) and the visitor's session live.
		expect(retries).toEqual(answers);
		for (const [index, answer] of answers.entries()) {
			expect(await store.getUser(CLIENT, `crash-user-${index}`)).toMatchObject({applied: 1, metadata: {n: index}, verified: true});
			const update = await call('/v1/user', {clientToken: CLIENT, anonymousId: bodies[index].anonymousId, messageId: randomUUID(), metadata: {after: true}}, answer.body.session.token);
			expect(update.status).toBe(200);
		}

		// Outcomes are counts: every answered call is there, and a retry that ran again counts again.
		const {byCode} = await store.readiness(CLIENT, new Date(Date.now() - 3_600_000));
		expect(Object.keys(byCode)).toEqual(['ok']);
		expect(byCode.ok).toBeGreaterThanOrEqual(40);
	});
});

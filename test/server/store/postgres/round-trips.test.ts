// A page reload's round trips to PostgreSQL, counted at the pool: every
// statement the store sends goes through `query`. The claim and the rate
// limits go in one statement (CLAIM_COUNT), and its counts still refuse
// what each limit refuses, alone or in a batch of calls sent at once.
import {randomUUID} from 'node:crypto';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createIdentityHandler, type IdentityHandler, signIdentity} from '../../../../src/server/index';
import {PostgresStore, type PostgresPool, type PostgresQuery} from '../../../../src/server/store/postgres/index';
import {describePostgres, type PostgresCluster, startPostgres} from '../../../support/postgres';

const SECRET = 'sk_test_round_trips_0123456789abcdefghij';

describePostgres('PostgresStore round trips per identify', () => {
	let cluster: PostgresCluster;
	beforeAll(async () => {
		cluster = await startPostgres();
	});
	afterAll(async () => {
		await cluster?.remove();
	});

	// A store on a fresh database whose pool notes each statement's name
	// (its text when unnamed), and a handler on it with these rate limits.
	const open = async (rateLimit: {max?: number; perIp?: number} = {}) => {
		const pool = new pg.Pool({connectionString: await cluster.createDatabase(), max: 4});
		const sent: string[] = [];
		const counting: PostgresPool = {
			query: (query: PostgresQuery) => {
				sent.push(query.name ?? query.text.trim().split(/\s+/).slice(0, 3).join(' '));
				return pool.query(query);
			},
			connect: () => pool.connect(),
			end: () => pool.end(),
		};
		const store = new PostgresStore({pool: counting}, {sweepIntervalMs: 0, outcomeFlushMs: 3_600_000});
		await store.migrate();
		const handler = createIdentityHandler({clients: {ct_trips: {secrets: [SECRET], enforce: true}}, store, rateLimit});
		const close = async () => {
			await store.close();
			await pool.end();
		};

		return {pool, sent, handler, close};
	};
	const identify = async (handler: IdentityHandler, userId: string, anonymousId: string, clientIp: string) => {
		const body = {clientToken: 'ct_trips', anonymousId, messageId: randomUUID(), metadata: {plan: 'pro'}, ...signIdentity(userId, SECRET)};
		const response = await handler(new Request('http://api.test/v1/identify', {method: 'POST', body: JSON.stringify(body)}), {clientIp});
		return {status: response.status, body: (await response.json()) as {session?: {token: string}; error?: {code: string}}};
	};

	it('answers a page reload in three statements: the claim with both rate limits, the identify, the remembered answer', async () => {
		const {sent, handler, close} = await open();
		try {
			const anonymousId = randomUUID();
			const first = await identify(handler, 'ada', anonymousId, '203.0.113.7');
			expect(first.status).toBe(200);
			for (let reload = 0; reload < 5; reload++) {
				sent.length = 0;
				const again = await identify(handler, 'ada', anonymousId, '203.0.113.7');
				expect(again.body.session?.token).toBe(first.body.session?.token);
				expect(sent).toEqual(['signet_claim_count', 'signet_apply_identifies', 'UPDATE signet_replies SET']);
			}
		} finally {
			await close();
		}
	});

	it('refuses the calls past the address limit, and makes no visitor counter for them', async () => {
		const {pool, handler, close} = await open({perIp: 3, max: 100});
		try {
			const statuses: number[] = [];
			for (let call = 0; call < 5; call++) {
				statuses.push((await identify(handler, `u${call}`, `visitor-${call}`, '198.51.100.1')).status);
			}

			expect(statuses).toEqual([200, 200, 200, 429, 429]);
			const {rows} = await pool.query(`SELECT key, count FROM signet_counters ORDER BY key`);
			expect(rows.map((row) => row.count)).toEqual([5, 1, 1, 1]);
			// Another address is counted apart.
			expect((await identify(handler, 'u9', 'visitor-9', '198.51.100.2')).status).toBe(200);
		} finally {
			await close();
		}
	});

	it('refuses the calls past the visitor limit from any address', async () => {
		const {handler, close} = await open({perIp: 100, max: 2});
		try {
			const statuses: number[] = [];
			for (let call = 0; call < 4; call++) {
				statuses.push((await identify(handler, 'bea', 'one-visitor', `192.0.2.${call}`)).status);
			}

			expect(statuses).toEqual([200, 200, 429, 429]);
		} finally {
			await close();
		}
	});

	describe('calls sent at once, which may share statements', () => {
		it('lets exactly the limit through from one address, and counts each visitor once', async () => {
			const {pool, handler, close} = await open({perIp: 5, max: 100});
			try {
				const answers = await Promise.all(Array.from({length: 12}, (_, call) => identify(handler, `c${call}`, `visitor-${call}`, '198.51.100.9')));
				expect(answers.filter((answer) => answer.status === 200)).toHaveLength(5);
				expect(answers.filter((answer) => answer.status === 429).map((answer) => answer.body.error?.code)).toEqual(Array.from({length: 7}, () => 'rate_limited'));
				const {rows} = await pool.query(`SELECT sum(count)::integer AS visitors FROM signet_counters WHERE count = 1`);
				// The address's row holds 12; only the 5 let on made a visitor's row.
				expect(rows[0].visitors).toBe(5);
			} finally {
				await close();
			}
		});
	});
});

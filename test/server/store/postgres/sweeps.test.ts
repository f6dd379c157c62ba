// Every table stays bounded over a long run: three days of a moving clock,
// new visitors every hour and regulars reloading, swept in small batches.
// The sessions table holds about as many rows as there are live visitors.
import {randomUUID} from 'node:crypto';
import pg from 'pg';
import {expect, it} from 'vitest';
import {createIdentityHandler, signIdentity} from '../../../../src/server/index';
import {describePostgres} from '../../../support/postgres';
import {usePostgresStore} from '../../../support/postgres-store';

const SECRET = 'sk_test_sweeps_0123456789abcdefghijklmnop';
const CLIENT = 'ct_sweeps';
const HOUR_MS = 3_600_000;
// Sessions live 12 hours, answers are remembered 24, rate-limit windows are a minute (the defaults).
const HOURS = 72;
const NEW_PER_HOUR = 6;
const REGULARS = 5;

describePostgres('PostgresStore sweeps over a long run', () => {
	// Seven rows a round: every sweep takes several rounds.
	const db = usePostgresStore({sweepBatchSize: 7});

	it('keeps sessions to about one per live visitor, and answers and counters to their lifetimes', async () => {
		let clock = new Date('2026-12-01T00:00:00.000Z');
		const handler = createIdentityHandler({clients: {[CLIENT]: {secrets: [SECRET], enforce: true}}, store: db.store, now: () => clock});
		const load = async (userId: string, anonymousId: string) => {
			const body = {clientToken: CLIENT, anonymousId, messageId: randomUUID(), metadata: {plan: 'pro'}, ...signIdentity(userId, SECRET)};
			const response = await handler(new Request('http://api.test/v1/identify', {method: 'POST', body: JSON.stringify(body)}), {clientIp: '203.0.113.4'});
			expect(response.status).toBe(200);
		};
		const pool = new pg.Pool({connectionString: db.connectionString});
		const count = async (table: string) => Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
		const regulars = Array.from({length: REGULARS}, (_, index) => ({userId: `regular-${index}`, anonymousId: randomUUID()}));
		const most = {sessions: 0, replies: 0, counters: 0};
		try {
			for (let hour = 0; hour < HOURS; hour++) {
				clock = new Date(Date.parse('2026-12-01T00:00:00.000Z') + hour * HOUR_MS);
				// New visitors load two pages each; the regulars reload once.
				await Promise.all(
					Array.from({length: NEW_PER_HOUR}, async (_, index) => {
						const visitor = {userId: `visitor-${hour}-${index}`, anonymousId: randomUUID()};
						await load(visitor.userId, visitor.anonymousId);
						await load(visitor.userId, visitor.anonymousId);
					}),
				);
				await Promise.all(regulars.map((regular) => load(regular.userId, regular.anonymousId)));
				await db.store.sweep(clock);
				most.sessions = Math.max(most.sessions, await count('signet_sessions'));
				most.replies = Math.max(most.replies, await count('signet_replies'));
				most.counters = Math.max(most.counters, await count('signet_counters'));
			}

			// Live visitors: the new ones of the last 12 hours and the regulars,
			// each regular holding at most its live session and the one it
			// replaced (a session is handed out again until half its life is left).
			const live = NEW_PER_HOUR * 12 + REGULARS;
			expect(most.sessions).toBeLessThanOrEqual(live + REGULARS);
			expect(await count('signet_sessions')).toBeGreaterThanOrEqual(live);
			// Answers live 24 hours: a day of calls at most.
			expect(most.replies).toBeLessThanOrEqual((NEW_PER_HOUR * 2 + REGULARS) * 24);
			// Counters of ended windows go: this hour's visitors and address only.
			expect(most.counters).toBeLessThanOrEqual(NEW_PER_HOUR + REGULARS + 1);
			// Three days of calls made many more of each than remain.
			expect(HOURS * NEW_PER_HOUR).toBeGreaterThan(4 * most.sessions);
		} finally {
			await pool.end();
		}
	}, 120_000);
});

// The control plane on two API processes sharing one PostgreSQL database:
// a key made through one verifies on the other, a key retired through one
// stops verifying on the other, both within two seconds, even after the
// other's listening connection was killed; and after a session of changes
// no table holds a secret or a credential.
import {randomBytes, randomUUID} from 'node:crypto';
import pg from 'pg';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {signIdentity} from '../../../../src/server/index';
import {type ApiProcess, startApiProcess} from '../../../support/api-processes';
import {describePostgres, type PostgresCluster, startPostgres} from '../../../support/postgres';

const OWNER = `sok_${randomBytes(32).toString('base64url')}`;
const CONFIG = {clients: {}, admin: {ownerKey: OWNER, masterKey: randomBytes(32).toString('base64')}, rateLimit: {perIp: 1_000_000}};
// What SPEC §6 promises: a change through one instance applies on every instance within 2 seconds.
const CONVERGES_WITHIN_MS = 2000;

async function admin(api: ApiProcess, method: string, path: string, body?: unknown): Promise<{status: number; body: any; text: string}> {
	const response = await fetch(`${api.url}/v1/admin/${path}`, {method, headers: {Authorization: `Bearer ${OWNER}`, 'Content-Type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)});
	const text = await response.text();
	return {status: response.status, body: text === '' ? undefined : JSON.parse(text), text};
}

async function identify(api: ApiProcess, clientToken: string, userId: string, secret: string): Promise<{status: number; body: any}> {
	const body = {clientToken, anonymousId: randomUUID(), messageId: randomUUID(), sentAt: new Date().toISOString(), ...signIdentity(userId, secret)};
	const response = await fetch(`${api.url}/v1/identify`, {method: 'POST', body: JSON.stringify(body)});
	return {status: response.status, body: await response.json()};
}

// The first answer that `check` accepts, asked again every 50 ms until the deadline; the last one otherwise.
async function within<T>(ms: number, ask: () => Promise<T>, check: (answer: T) => boolean): Promise<T> {
	const deadline = Date.now() + ms;
	let answer = await ask();
	while (!check(answer) && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 50));
		answer = await ask();
	}

	return answer;
}

describePostgres('the control plane on two API processes sharing PostgreSQL', () => {
	let cluster: PostgresCluster;
	let databaseUrl: string;
	let a: ApiProcess;
	let b: ApiProcess;
	const shown: string[] = [OWNER];
	beforeAll(async () => {
		cluster = await startPostgres();
		databaseUrl = await cluster.createDatabase();
		[a, b] = await Promise.all([startApiProcess(databaseUrl, CONFIG), startApiProcess(databaseUrl, CONFIG)]);
	});
	afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop()]);
		await cluster?.remove();
	});

	it('verifies on B a key made on A, and refuses on B a key retired on A, each within 2 s', async () => {
		const {client} = (await admin(a, 'POST', 'clients', {name: 'Shop'})).body;
		const first = await admin(a, 'POST', `clients/${client.token}/keys`, {type: 'secret'});
		shown.push(first.body.secret);
		const verified = await within(CONVERGES_WITHIN_MS, () => identify(b, client.token, 'ada', first.body.secret), (answer) => answer.body.verified === true);
		expect(verified).toMatchObject({status: 200, body: {verified: true}});

		const second = await admin(a, 'POST', `clients/${client.token}/keys`, {type: 'secret'});
		shown.push(second.body.secret);
		await admin(a, 'PATCH', `clients/${client.token}`, {enforce: true, force: true});
		await admin(a, 'POST', `clients/${client.token}/keys/${first.body.key.id}/retire`);
		const refused = await within(CONVERGES_WITHIN_MS, () => identify(b, client.token, 'ada', first.body.secret), (answer) => answer.status === 403);
		expect(refused).toMatchObject({status: 403, body: {error: {code: 'hash_invalid', hint: 'retired_key'}}});
		expect(await identify(b, client.token, 'ada', second.body.secret)).toMatchObject({status: 200, body: {verified: true}});
	});

	it("still converges after B's listening connection was killed", async () => {
		const database = new pg.Client({connectionString: databaseUrl});
		await database.connect();
		try {
			const {rows} = await database.query("SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE query = 'LISTEN signet_registry'");
			expect(rows.length).toBe(2);
		} finally {
			await database.end();
		}

		const {client} = (await admin(a, 'POST', 'clients', {name: 'After the kill'})).body;
		const key = await admin(a, 'POST', `clients/${client.token}/keys`, {type: 'secret'});
		shown.push(key.body.secret);
		const verified = await within(CONVERGES_WITHIN_MS, () => identify(b, client.token, 'bo', key.body.secret), (answer) => answer.body.verified === true);
		expect(verified).toMatchObject({status: 200, body: {verified: true}});
	});

	it('keeps no secret and no credential in any text column of any table', async () => {
		const made = await admin(a, 'POST', 'credentials', {name: 'ops', role: 'admin'});
		shown.push(made.body.key);
		const database = new pg.Client({connectionString: databaseUrl});
		await database.connect();
		try {
			const {rows: columns} = await database.query(
				"SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'ARRAY', 'character varying')",
			);
			expect(columns.length).toBeGreaterThan(20);
			for (const {table_name: table, column_name: column} of columns) {
				const {rows} = await database.query(`SELECT ${pg.escapeIdentifier(column)}::text AS value FROM ${pg.escapeIdentifier(table)}`);
				const text = rows.map((row) => row.value).join('\n');
				for (const secret of shown) {
					expect([table, column, text.includes(secret)]).toEqual([table, column, false]);
				}
			}
		} finally {
			await database.end();
		}
	});
});

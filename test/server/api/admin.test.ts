// The control plane's admin API (SPEC §6) over real HTTP: a rotation from
// the first key to enforcement, each role against each route, and what it
// refuses. One API per file; each test makes the clients it needs.
import {createHash, randomBytes, randomUUID} from 'node:crypto';
import {describe, expect, it, vi} from 'vitest';
import {createIdentityHandler, MemoryStore, rotateMasterKey, signIdentity, startServer} from '../../../src/server/index';
import {ADMIN_FAILURES_PER_WINDOW} from '../../../src/server/api/admin/admin';
import {identifyBody, serve, SECRET} from '../support/helpers';
import {keyPair} from '../support/token-keys';

const OWNER = `sok_${randomBytes(24).toString('base64url')}`;
const MASTER = randomBytes(32).toString('base64');
const api = await serve({clients: {ct_test: {secrets: [SECRET]}}, admin: {ownerKey: OWNER, masterKey: MASTER}});

const as = (key: string | undefined) => (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
	api.request(`/v1/admin/${path}`, {
		method,
		headers: {...(key === undefined ? {} : {Authorization: `Bearer ${key}`}), 'Content-Type': 'application/json', ...headers},
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
const owner = as(OWNER);

async function newClient(fields: Record<string, unknown> = {}) {
	const answer = await owner('POST', 'clients', {name: 'Shop', allowedOrigins: ['https://shop.example.com'], ...fields});
	expect(answer.status).toBe(201);
	return answer.body.client as {token: string; keys: unknown[]};
}

async function credential(role: string) {
	const answer = await owner('POST', 'credentials', {name: `${role} of the tests`, role});
	expect(answer.status).toBe(201);
	return answer.body.key as string;
}

const identify = (clientToken: string, fields: Record<string, unknown>) => api.post('/v1/identify', identifyBody({clientToken, metadata: undefined, ...fields}));

describe('a key rotation through the admin API', () => {
	it('makes a client and a key, verifies with it, retires the old one, switches enforcement on, and records it all', async () => {
		const client = await newClient();
		expect(client).toMatchObject({token: expect.stringMatching(/^ct_[\dA-Za-z]{24}$/), name: 'Shop', source: 'registry', enforce: false, keys: []});

		const first = await owner('POST', `clients/${client.token}/keys`, {type: 'secret'});
		expect(first).toMatchObject({status: 201, body: {key: {type: 'secret', use: 'hash', status: 'active', fingerprint: expect.stringMatching(/^[\da-f]{16}$/)}, secret: expect.stringMatching(/^[\w-]{43}$/)}});
		const oldSecret = first.body.secret as string;
		expect(first.body.key.fingerprint).toBe(createHash('sha256').update(oldSecret, 'utf8').digest('hex').slice(0, 16));
		expect(await identify(client.token, signIdentity('ada', oldSecret))).toMatchObject({status: 200, body: {verified: true}});

		const second = await owner('POST', `clients/${client.token}/keys`, {type: 'secret', use: 'hash'});
		const newSecret = second.body.secret as string;
		const retired = await owner('POST', `clients/${client.token}/keys/${first.body.key.id}/retire`);
		expect(retired).toMatchObject({status: 200, body: {key: {id: first.body.key.id, status: 'retired', retiredAt: expect.any(String)}}});
		expect(await identify(client.token, signIdentity('ada', newSecret))).toMatchObject({status: 200, body: {verified: true}});
		expect(await identify(client.token, signIdentity('ada', oldSecret))).toMatchObject({status: 200, body: {verified: false, verification: 'hash_invalid', hint: 'retired_key'}});

		// Readiness saw a failure: enforcement waits for force.
		const refused = await owner('PATCH', `clients/${client.token}`, {enforce: true});
		expect(refused).toMatchObject({status: 409, body: {error: {code: 'not_ready'}, readiness: {safeToEnforce: false, byHint: {retired_key: 1}}}});
		const forced = await owner('PATCH', `clients/${client.token}`, {enforce: true, force: true});
		expect(forced).toMatchObject({status: 200, body: {client: {enforce: true}}});
		expect(await identify(client.token, signIdentity('ada', oldSecret))).toMatchObject({status: 403, body: {error: {code: 'hash_invalid', hint: 'retired_key'}}});

		const audit = await owner('GET', `audit?clientToken=${client.token}`);
		expect(audit.body.events.map((event: {action: string}) => event.action)).toEqual(['client.update', 'key.retire', 'key.create', 'key.create', 'client.create']);
		expect(audit.body.events[0]).toMatchObject({actor: {id: 'owner', role: 'owner'}, changes: {enforce: {from: false, to: true}}});
		for (const secret of [oldSecret, newSecret, OWNER]) {
			expect(audit.text).not.toContain(secret);
			expect(api.logs.join('\n')).not.toContain(secret);
		}
	});

	it('refuses to delete the last active key of an enforcing client, and deletes it once enforcement is off', async () => {
		const client = await newClient();
		const key = await owner('POST', `clients/${client.token}/keys`, {type: 'secret'});
		await owner('PATCH', `clients/${client.token}`, {enforce: true, force: true});
		expect(await owner('DELETE', `clients/${client.token}/keys/${key.body.key.id}`)).toMatchObject({status: 409, body: {error: {code: 'last_active_key'}}});
		await owner('PATCH', `clients/${client.token}`, {enforce: false});
		expect((await owner('DELETE', `clients/${client.token}/keys/${key.body.key.id}`)).status).toBe(204);
		expect((await owner('GET', `clients/${client.token}`)).body.client.keys).toEqual([]);
	});

	it('verifies tokens with a token key and a public key, and never a hash with a token key', async () => {
		const client = await newClient();
		const token = await owner('POST', `clients/${client.token}/keys`, {type: 'secret', use: 'token'});
		const hash = signIdentity('bo', token.body.secret);
		expect(await identify(client.token, hash)).toMatchObject({status: 200, body: {verified: false, verification: 'hash_invalid'}});
		const es = await keyPair('ES256', 'es-1');
		const added = await owner('POST', `clients/${client.token}/keys`, {type: 'public', jwk: es.publicJwk});
		expect(added).toMatchObject({status: 201, body: {key: {type: 'public', use: 'token', status: 'active'}}});
		expect(added.body.secret).toBeUndefined();
	});

	it('shows the configuration clients read-only, and refuses to change them (409 config_client)', async () => {
		const list = await owner('GET', 'clients');
		expect(list.body.clients.find((client: {token: string}) => client.token === 'ct_test')).toMatchObject({source: 'config', keys: [{type: 'secret', use: 'hash', status: 'active'}]});
		expect(list.text).not.toContain(SECRET);
		expect(await owner('PATCH', 'clients/ct_test', {enforce: true})).toMatchObject({status: 409, body: {error: {code: 'config_client'}}});
		expect(await owner('POST', 'clients/ct_test/keys', {type: 'secret'})).toMatchObject({status: 409, body: {error: {code: 'config_client'}}});
	});

	it('loses neither of two changes made to one client at once', async () => {
		const client = await newClient();
		const [renamed, origins] = await Promise.all([
			owner('PATCH', `clients/${client.token}`, {name: 'Renamed'}),
			owner('PATCH', `clients/${client.token}`, {allowedOrigins: ['https://new.example.com']}),
		]);
		expect([renamed.status, origins.status]).toEqual([200, 200]);
		expect((await owner('GET', `clients/${client.token}`)).body.client).toMatchObject({name: 'Renamed', allowedOrigins: ['https://new.example.com']});
	});

	it('answers hourly outcomes of a client', async () => {
		const client = await newClient();
		await identify(client.token, {userId: 'x'});
		const outcomes = await owner('GET', `clients/${client.token}/outcomes?hours=3`);
		expect(outcomes.body.hours).toHaveLength(3);
		expect(outcomes.body.hours.at(-1)).toMatchObject({verified: 0, byCode: {hash_missing: 1}});
	});
});

describe('admin credentials and roles', () => {
	// Each route, the lowest role that may use it, and what it answers that role.
	type Made = {token: string; keyId: string; credentialId: string};
	const routes: Array<[string, (made: Made) => string, 'viewer' | 'admin' | 'owner', number, unknown?]> = [
		['GET', () => 'me', 'viewer', 200],
		['GET', () => 'clients', 'viewer', 200],
		['GET', ({token}) => `clients/${token}`, 'viewer', 200],
		['GET', ({token}) => `clients/${token}/readiness`, 'viewer', 200],
		['GET', ({token}) => `clients/${token}/outcomes`, 'viewer', 200],
		['GET', () => 'audit', 'viewer', 200],
		['POST', () => 'clients', 'admin', 201, {name: 'By role'}],
		['PATCH', ({token}) => `clients/${token}`, 'admin', 200, {name: 'Renamed by role'}],
		['POST', ({token}) => `clients/${token}/keys`, 'admin', 201, {type: 'secret'}],
		['POST', ({token, keyId}) => `clients/${token}/keys/${keyId}/retire`, 'admin', 200],
		['DELETE', ({token, keyId}) => `clients/${token}/keys/${keyId}`, 'admin', 204],
		['GET', () => 'credentials', 'owner', 200],
		['POST', () => 'credentials', 'owner', 201, {name: 'made by role', role: 'viewer'}],
		['DELETE', ({credentialId}) => `credentials/${credentialId}`, 'owner', 204],
	];
	const rank = {viewer: 0, admin: 1, owner: 2};

	it.each(['viewer', 'admin', 'owner'] as const)('lets a %s use exactly the routes of its role (403 admin_forbidden above it)', async (role) => {
		const key = role === 'owner' ? OWNER : await credential(role);
		const client = await newClient();
		const made: Made = {
			token: client.token,
			keyId: (await owner('POST', `clients/${client.token}/keys`, {type: 'secret'})).body.key.id,
			credentialId: (await owner('POST', 'credentials', {name: 'to revoke', role: 'viewer'})).body.credential.id,
		};
		for (const [method, path, needs, status, body] of routes) {
			const answer = await as(key)(method, path(made), body);
			const expected = rank[role] >= rank[needs] ? status : 403;
			expect([method, path(made), answer.status, answer.body?.error?.code]).toEqual([method, path(made), expected, expected === 403 ? 'admin_forbidden' : undefined]);
		}
	});

	it('answers 401 admin_unauthorized alike for no, a wrong and a revoked credential, and the revoked one stops at once', async () => {
		const made = await owner('POST', 'credentials', {name: 'viewer to revoke', role: 'viewer'});
		const viewer = made.body.key as string;
		expect((await as(viewer)('GET', 'me')).body).toMatchObject({credential: {role: 'viewer', name: 'viewer to revoke'}});
		expect((await owner('DELETE', `credentials/${made.body.credential.id}`)).status).toBe(204);
		const answers = await Promise.all([as(undefined)('GET', 'clients'), as(`sak_${randomUUID()}`)('GET', 'clients'), as(viewer)('GET', 'clients')]);
		expect(answers.map((answer) => answer.text)).toEqual(Array(3).fill(answers[0].text));
		for (const answer of answers) {
			expect(answer).toMatchObject({status: 401, body: {error: {code: 'admin_unauthorized'}}});
		}

		const credentials = await owner('GET', 'credentials');
		expect(credentials.body.credentials.find((entry: {id: string}) => entry.id === made.body.credential.id)).toMatchObject({revokedAt: expect.any(String)});
		expect(credentials.text).not.toMatch(/sak_|digest/);
	});

	it('answers no CORS headers on admin routes, even to an allowed origin', async () => {
		const client = await newClient({allowedOrigins: ['https://app.example.com']});
		const answer = await owner('GET', `clients/${client.token}`, undefined, {Origin: 'https://app.example.com'});
		expect(answer.status).toBe(200);
		expect(answer.headers.get('access-control-allow-origin')).toBeNull();
	});

	it('refuses bad input with 400 naming the field, 404 for what does not exist, 413 past 16 KiB', async () => {
		const client = await newClient();
		const cases: Array<[string, string, unknown, number, string?]> = [
			['POST', 'clients', {name: ''}, 400, 'name'],
			['POST', 'clients', {name: 'x'.repeat(101)}, 400, 'name'],
			['POST', 'clients', {name: 'Shop', allowedOrigins: ['https://app.example.com/path']}, 400, 'allowedOrigins'],
			['POST', 'clients', {name: 'Shop', colour: 'red'}, 400, 'colour'],
			['PATCH', `clients/${client.token}`, {enforce: 'yes'}, 400, 'enforce'],
			['POST', `clients/${client.token}/keys`, {type: 'secret', use: 'both'}, 400, 'use'],
			['POST', `clients/${client.token}/keys`, {type: 'public', jwk: {kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c2VjcmV0'}}, 400, 'jwk'],
			['POST', `clients/${client.token}/keys`, {type: 'public', jwk: {kty: 'oct', k: 'c2VjcmV0'}}, 400, 'jwk'],
			['POST', 'credentials', {name: 'x', role: 'root'}, 400, 'role'],
			['GET', 'clients/ct_nobody', undefined, 404],
			['POST', `clients/${client.token}/keys/key_nobody/retire`, undefined, 404],
			['DELETE', `clients/${client.token}/keys/key_nobody`, undefined, 404],
			['GET', 'nowhere', undefined, 404],
			['POST', 'clients', {name: 'x'.repeat(17 * 1024)}, 413],
		];
		for (const [method, path, body, status, field] of cases) {
			const answer = await owner(method, path, body);
			expect([method, path, answer.status, answer.body?.error?.field]).toEqual([method, path, status, field]);
			expect(answer.text).not.toContain('c2VjcmV0');
		}
	});
});

describe('the control plane at start-up', () => {
	it('fails start-up naming the master key when it cannot open the stored keys', async () => {
		const store = new MemoryStore();
		const first = createIdentityHandler({clients: {}, store, admin: {ownerKey: OWNER, masterKey: MASTER}});
		const server = await startServer(first);
		const made = await fetch(`${server.url}/v1/admin/clients`, {method: 'POST', headers: {Authorization: `Bearer ${OWNER}`}, body: JSON.stringify({name: 'Shop'})});
		const token = ((await made.json()) as {client: {token: string}}).client.token;
		await fetch(`${server.url}/v1/admin/clients/${token}/keys`, {method: 'POST', headers: {Authorization: `Bearer ${OWNER}`}, body: JSON.stringify({type: 'secret'})});
		await server.close();

		const wrong = createIdentityHandler({clients: {}, store, admin: {ownerKey: OWNER, masterKey: randomBytes(32).toString('base64')}});
		await expect(wrong.ready).rejects.toThrow(/masterKey cannot open the stored key .*SIGNET_MASTER_KEY/);
		await expect(startServer(wrong)).rejects.toThrow(/SIGNET_MASTER_KEY/);
	});

	it('refuses a short owner key, a master key that is not 32 bytes, and no master key with a shared store', () => {
		expect(() => createIdentityHandler({clients: {}, admin: {ownerKey: 'short'}})).toThrow(/SIGNET_OWNER_KEY/);
		expect(() => createIdentityHandler({clients: {}, admin: {ownerKey: OWNER, masterKey: 'c2hvcnQ='}})).toThrow(/SIGNET_MASTER_KEY/);
		const store = new MemoryStore();
		const notInProcess = new Proxy(store, {get: (target, name) => (name === 'inProcess' ? undefined : Reflect.get(target, name, target))});
		expect(() => createIdentityHandler({clients: {}, store: notInProcess, admin: {ownerKey: OWNER}})).toThrow(/SIGNET_MASTER_KEY/);
	});

	it('answers 404 on every admin route without admin in the configuration', async () => {
		expect((await api.request('/v1/readiness', {})).status).toBe(401);
		const plain = createIdentityHandler({clients: {ct_test: {secrets: [SECRET]}}});
		const answer = await plain(new Request('https://api.example.com/v1/admin/clients', {headers: {Authorization: `Bearer ${OWNER}`}}), {clientIp: '192.0.2.1'});
		expect(answer.status).toBe(404);
	});

	it('holds off an address after repeated failed admin calls, and still answers the owner at another', async () => {
		const handler = createIdentityHandler({clients: {}, admin: {ownerKey: OWNER}});
		const call = (ip: string, key: string) => handler(new Request('https://api.example.com/v1/admin/me', {headers: {Authorization: `Bearer ${key}`}}), {clientIp: ip});
		for (let attempt = 0; attempt < ADMIN_FAILURES_PER_WINDOW; attempt++) {
			expect((await call('198.51.100.7', `sak_${randomUUID()}`)).status).toBe(401);
		}

		expect((await call('198.51.100.7', `sak_${randomUUID()}`)).status).toBe(429);
		expect((await call('198.51.100.7', OWNER)).status).toBe(429);
		expect((await call('203.0.113.9', OWNER)).status).toBe(200);
	});
});


describe('rotating the master key', () => {
	it('seals every key again under the new master key: a handler with it serves them, one with the old cannot start', async () => {
		const store = new MemoryStore();
		const first = createIdentityHandler({clients: {}, store, admin: {ownerKey: OWNER, masterKey: MASTER}});
		const call = (handler: typeof first, method: string, path: string, body?: unknown) =>
			handler(new Request(`https://api.example.com${path}`, {method, headers: {Authorization: `Bearer ${OWNER}`}, body: body === undefined ? undefined : JSON.stringify(body)}), {clientIp: '192.0.2.1'});
		const {client} = (await (await call(first, 'POST', '/v1/admin/clients', {name: 'Shop'})).json()) as {client: {token: string}};
		const {secret} = (await (await call(first, 'POST', `/v1/admin/clients/${client.token}/keys`, {type: 'secret'})).json()) as {secret: string};

		const next = randomBytes(32).toString('base64');
		expect(await rotateMasterKey(store, {from: MASTER, to: next})).toBe(1);
		// Run again after it stopped halfway: what is sealed under the new key already is left alone.
		expect(await rotateMasterKey(store, {from: MASTER, to: next})).toBe(0);

		const rotated = createIdentityHandler({clients: {}, store, admin: {ownerKey: OWNER, masterKey: next}});
		await rotated.ready;
		const verified = await rotated(new Request('https://api.example.com/v1/identify', {method: 'POST', body: JSON.stringify(identifyBody({clientToken: client.token, ...signIdentity('ada', secret)}))}), {clientIp: '192.0.2.1'});
		expect(await verified.json()).toMatchObject({verified: true});
		await expect(createIdentityHandler({clients: {}, store, admin: {ownerKey: OWNER, masterKey: MASTER}}).ready).rejects.toThrow(/SIGNET_MASTER_KEY/);
		await expect(rotateMasterKey(store, {from: randomBytes(32).toString('base64'), to: randomBytes(32).toString('base64')})).rejects.toThrow(/does not open/);
	});
});

describe('when a key was last used', () => {
	it('shows lastUsedAt of the key that verified, written once a minute and not per identify', async () => {
		vi.useFakeTimers({toFake: ['setInterval']});
		try {
			const store = new MemoryStore();
			const handler = createIdentityHandler({clients: {}, store, admin: {ownerKey: OWNER}});
			const call = (method: string, path: string, body?: unknown) =>
				handler(new Request(`https://api.example.com${path}`, {method, headers: {Authorization: `Bearer ${OWNER}`}, body: body === undefined ? undefined : JSON.stringify(body)}), {clientIp: '192.0.2.1'});
			const {client} = (await (await call('POST', '/v1/admin/clients', {name: 'Shop'})).json()) as {client: {token: string}};
			const {secret, key} = (await (await call('POST', `/v1/admin/clients/${client.token}/keys`, {type: 'secret'})).json()) as {secret: string; key: {id: string}};
			const lastUsed = () => store.readRegistry().keys.find((entry) => entry.id === key.id)?.lastUsedAt;
			for (const userId of ['ada', 'bo', 'cy']) {
				await handler(new Request('https://api.example.com/v1/identify', {method: 'POST', body: JSON.stringify(identifyBody({clientToken: client.token, ...signIdentity(userId, secret)}))}), {clientIp: '192.0.2.1'});
			}

			expect(lastUsed()).toBeNull();
			await vi.advanceTimersByTimeAsync(60_000);
			expect(lastUsed()).toEqual(expect.any(String));
			const shown = (await (await call('GET', `/v1/admin/clients/${client.token}`)).json()) as {client: {keys: Array<{id: string; lastUsedAt: string | null}>}};
			expect(shown.client.keys).toEqual([expect.objectContaining({id: key.id, lastUsedAt: expect.any(String)})]);
		} finally {
			vi.useRealTimers();
		}
	});
});

describe('what the store holds', () => {
	it('keeps no secret and no credential key readable: secrets sealed, credentials as digests, the audit log without either', async () => {
		const store = new MemoryStore();
		const handler = createIdentityHandler({clients: {}, store, admin: {ownerKey: OWNER}});
		const call = async (method: string, path: string, body?: unknown) =>
			(await handler(new Request(`https://api.example.com${path}`, {method, headers: {Authorization: `Bearer ${OWNER}`}, body: body === undefined ? undefined : JSON.stringify(body)}), {clientIp: '192.0.2.1'})).json() as Promise<Record<string, any>>;
		const {client} = await call('POST', '/v1/admin/clients', {name: 'Shop'});
		const shown = [
			(await call('POST', `/v1/admin/clients/${client.token}/keys`, {type: 'secret'})).secret,
			(await call('POST', `/v1/admin/clients/${client.token}/keys`, {type: 'secret', use: 'token'})).secret,
			(await call('POST', '/v1/admin/credentials', {name: 'ops', role: 'admin'})).key,
			OWNER,
		];
		const kept = JSON.stringify([store.readRegistry(), store.auditEvents({limit: 100})]);
		for (const secret of shown) {
			expect(secret).toMatch(/^[\w-]{32,}$/);
			expect(kept).not.toContain(secret);
			expect(kept).not.toContain(Buffer.from(secret).toString('base64'));
		}
	});
});

describe('variables of registry clients', () => {
	it("answers a verified user of a registry client with admin.variables, told the client's token", async () => {
		const handler = createIdentityHandler({clients: {}, admin: {ownerKey: OWNER, variables: (userId, clientToken) => ({greeting: `hi ${userId}`, client: clientToken})}});
		const call = async (method: string, path: string, body?: unknown) =>
			(await handler(new Request(`https://api.example.com${path}`, {method, headers: {Authorization: `Bearer ${OWNER}`}, body: JSON.stringify(body)}), {clientIp: '192.0.2.1'})).json() as Promise<Record<string, any>>;
		const {client} = await call('POST', '/v1/admin/clients', {name: 'Shop'});
		const {secret} = await call('POST', `/v1/admin/clients/${client.token}/keys`, {type: 'secret'});
		const answer = await handler(new Request('https://api.example.com/v1/identify', {method: 'POST', body: JSON.stringify(identifyBody({clientToken: client.token, ...signIdentity('ada', secret)}))}), {clientIp: '192.0.2.1'});
		expect(await answer.json()).toMatchObject({verified: true, variables: {greeting: 'hi ada', client: client.token}});
	});
});

import {describe, expect, it} from 'vitest';
import type {AuditEvent, RegistryClient, RegistryKey, RegistryStore} from '../../../src/server/store/registry';

const T0 = '2026-11-21T12:00:00.000Z';

/** A registry client of the tests, revision 0 (not stored yet). */
export const registryClient = (token: string, fields: Partial<RegistryClient> = {}): RegistryClient => ({
	token,
	name: 'Shop',
	enforce: false,
	allowedOrigins: ['https://app.example.com'],
	createdAt: T0,
	updatedAt: T0,
	revision: 0,
	...fields,
});

/** An active hash key of the tests, its secret "sealed" with no real cipher. */
export const registryKey = (clientToken: string, id: string, fields: Partial<RegistryKey> = {}): RegistryKey => ({
	clientToken,
	id,
	type: 'secret',
	use: 'hash',
	status: 'active',
	fingerprint: '0123456789abcdef',
	sealed: 'v1.c2VhbGVk',
	jwk: null,
	createdAt: T0,
	retiredAt: null,
	lastUsedAt: null,
	...fields,
});

/** An audit event of the owner at T0. */
export const auditEvent = (action: string, fields: Partial<AuditEvent> = {}): AuditEvent => ({at: T0, actor: {id: 'owner', role: 'owner'}, action, ...fields});

/**
 * The behaviours every store of the control plane's registry must have
 * (src/server/store/registry.ts), as one suite: MemoryStore runs it, and so
 * does PostgresStore. Each test uses its own client tokens, so a shared
 * database needs no reset.
 */
export function describeRegistryContract(name: string, makeStore: () => RegistryStore | Promise<RegistryStore>): void {
	let count = 0;
	const client = (fields: Partial<RegistryClient> = {}) => registryClient(`ct_registry_${Date.now().toString(36)}_${count++}`, fields);
	const key = (clientToken: string, fields: Partial<RegistryKey> = {}) => registryKey(clientToken, `key_${count++}`, fields);
	const event = auditEvent;

	describe(`${name}: the registry contract`, () => {
		it('creates a client with its keys and event in one write, and reads them back with a higher version', async () => {
			const store = await makeStore();
			const before = await store.registryVersion();
			const made = client();
			const first = key(made.token);
			expect(await store.writeRegistry({client: made, expectedRevision: null, keys: [first]}, event('client.create', {clientToken: made.token}))).toBe('ok');
			const registry = await store.readRegistry();
			expect(registry.version).toBeGreaterThan(before);
			expect(await store.registryVersion()).toBe(registry.version);
			expect(registry.clients.find((entry) => entry.token === made.token)).toEqual({...made, revision: 1});
			expect(registry.keys.filter((entry) => entry.clientToken === made.token)).toEqual([first]);
		});

		it('refuses a write that read an older revision, and changes nothing of it (no key, no event)', async () => {
			const store = await makeStore();
			const made = client();
			await store.writeRegistry({client: made, expectedRevision: null}, event('client.create', {clientToken: made.token}));
			expect(await store.writeRegistry({client: {...made, name: 'Renamed'}, expectedRevision: 1}, event('client.update', {clientToken: made.token}))).toBe('ok');
			const stale = await store.writeRegistry({client: {...made, enforce: true}, expectedRevision: 1, keys: [key(made.token)]}, event('client.update', {clientToken: made.token}));
			expect(stale).toBe('conflict');
			expect(await store.writeRegistry({client: made, expectedRevision: null}, event('client.create', {clientToken: made.token}))).toBe('conflict');
			const registry = await store.readRegistry();
			expect(registry.clients.find((entry) => entry.token === made.token)).toMatchObject({name: 'Renamed', enforce: false, revision: 2});
			expect(registry.keys.filter((entry) => entry.clientToken === made.token)).toEqual([]);
			expect((await store.auditEvents({clientToken: made.token, limit: 10})).map((entry) => entry.action)).toEqual(['client.update', 'client.create']);
		});

		it('lets exactly one of two writes through when both fire at once with the revision they read', async () => {
			const store = await makeStore();
			const made = client();
			// Two creates of one token, then two updates of revision 1, each pair at once.
			const created = await Promise.all(['A', 'B'].map(async (name) => store.writeRegistry({client: {...made, name}, expectedRevision: null}, event('client.create', {clientToken: made.token}))));
			expect([...created].sort()).toEqual(['conflict', 'ok']);
			const updated = await Promise.all(['C', 'D'].map(async (name) => store.writeRegistry({client: {...made, name}, expectedRevision: 1}, event(`client.update.${name}`, {clientToken: made.token}))));
			expect([...updated].sort()).toEqual(['conflict', 'ok']);
			const winner = updated[0] === 'ok' ? 'C' : 'D';
			expect((await store.readRegistry()).clients.find((entry) => entry.token === made.token)).toMatchObject({name: winner, revision: 2});
			expect((await store.auditEvents({clientToken: made.token, limit: 10})).map((entry) => entry.action)).toEqual([`client.update.${winner}`, 'client.create']);
		});

		it('throws for keys written without their client, or with another client, and changes nothing', async () => {
			const store = await makeStore();
			const [made, other] = [client(), client()];
			const version = await store.registryVersion();
			const attempt = async (write: Parameters<RegistryStore['writeRegistry']>[0]) => store.writeRegistry(write, event('key.create', {clientToken: made.token}));
			await expect(attempt({keys: [key(made.token)]})).rejects.toThrow(TypeError);
			await expect(attempt({deleteKeys: ['key_x']})).rejects.toThrow(TypeError);
			await expect(attempt({client: made, expectedRevision: null, keys: [key(other.token)]})).rejects.toThrow(TypeError);
			const registry = await store.readRegistry();
			expect(registry.version).toBe(version);
			expect(registry.clients.filter((entry) => entry.token === made.token)).toEqual([]);
			expect(await store.auditEvents({clientToken: made.token, limit: 10})).toEqual([]);
		});

		it('replaces a key by id and deletes one, within its client', async () => {
			const store = await makeStore();
			const made = client();
			const [old, fresh] = [key(made.token), key(made.token)];
			await store.writeRegistry({client: made, expectedRevision: null, keys: [old, fresh]}, event('client.create'));
			const retired = {...old, status: 'retired' as const, retiredAt: T0};
			await store.writeRegistry({client: made, expectedRevision: 1, keys: [retired]}, event('key.retire'));
			await store.writeRegistry({client: made, expectedRevision: 2, deleteKeys: [fresh.id]}, event('key.delete'));
			expect((await store.readRegistry()).keys.filter((entry) => entry.clientToken === made.token)).toEqual([retired]);
		});

		it('puts credentials by id, revoked ones too', async () => {
			const store = await makeStore();
			const id = `cred_${count++}`;
			const credential = {id, name: 'scraper', role: 'viewer' as const, digest: 'ab'.repeat(32), createdAt: T0, revokedAt: null};
			await store.writeRegistry({credential}, event('credential.create'));
			await store.writeRegistry({credential: {...credential, revokedAt: T0}}, event('credential.revoke'));
			expect((await store.readRegistry()).credentials.filter((entry) => entry.id === id)).toEqual([{...credential, revokedAt: T0}]);
		});

		it('moves lastUsedAt forward only, without a new version', async () => {
			const store = await makeStore();
			const made = client();
			const used = key(made.token);
			await store.writeRegistry({client: made, expectedRevision: null, keys: [used]}, event('client.create'));
			const version = await store.registryVersion();
			await store.touchKeys([{clientToken: made.token, keyId: used.id, at: '2026-11-21T13:00:00.000Z'}]);
			await store.touchKeys([{clientToken: made.token, keyId: used.id, at: '2026-11-21T12:30:00.000Z'}, {clientToken: made.token, keyId: 'key_none', at: T0}]);
			expect((await store.readRegistry()).keys.find((entry) => entry.id === used.id)?.lastUsedAt).toBe('2026-11-21T13:00:00.000Z');
			expect(await store.registryVersion()).toBe(version);
		});

		it('answers audit events newest first, of one client or all, at most limit', async () => {
			const store = await makeStore();
			const [a, b] = [client(), client()];
			await store.writeRegistry({client: a, expectedRevision: null}, event('client.create', {clientToken: a.token}));
			await store.writeRegistry({client: b, expectedRevision: null}, event('client.create', {clientToken: b.token}));
			const changes = {enforce: {from: false, to: true}};
			await store.writeRegistry({client: {...a, enforce: true}, expectedRevision: 1}, event('client.update', {clientToken: a.token, changes}));
			expect(await store.auditEvents({clientToken: a.token, limit: 10})).toEqual([event('client.update', {clientToken: a.token, changes}), event('client.create', {clientToken: a.token})]);
			expect(await store.auditEvents({limit: 2})).toEqual([event('client.update', {clientToken: a.token, changes}), event('client.create', {clientToken: b.token})]);
		});
	});
}

// @vitest-environment jsdom
// The session a verified identify opens: kept in sessionStorage, used by
// updateUser, revoked by logout. The hash itself is never stored.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {NotInitializedError} from '../../src/browser/index';
import {reset} from '../support/fault-server';
import {clientOf, ENFORCE, freshPage, MONITOR, sign, startApi, WRONG_HASH} from './helpers';

const api = await startApi();
const {faults, store} = api;

const SESSION_KEY = `signet:${ENFORCE}:session`;

beforeEach(() => {
	freshPage(faults);
	document.cookie.split(';').forEach((cookie) => {
		document.cookie = `${cookie.split('=')[0]!.trim()}=; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
	});
	vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	vi.restoreAllMocks();
});

function storedSession(key = SESSION_KEY): {token: string; expiresAt: string; userId: string} | null {
	const text = sessionStorage.getItem(key);
	return text === null ? null : JSON.parse(text);
}

/** Every key and value of both storages, and the cookies. */
function everythingStored(): string {
	const dump: string[] = [document.cookie];
	for (const storage of [localStorage, sessionStorage]) {
		for (let i = 0; i < storage.length; i++) {
			const key = storage.key(i)!;
			dump.push(key, storage.getItem(key) ?? '');
		}
	}

	return dump.join('\n');
}

/** Calls the reference API directly (not through the SDK) with a session token. */
async function postUserDirectly(token: string, anonymousId: string): Promise<{status: number; body: any}> {
	const response = await fetch(`${api.directUrl}/v1/user`, {
		method: 'POST',
		headers: {'Content-Type': 'text/plain;charset=UTF-8', Authorization: `Bearer ${token}`},
		body: JSON.stringify({clientToken: ENFORCE, anonymousId, metadata: {probe: true}, messageId: crypto.randomUUID(), sentAt: new Date().toISOString()}),
	});
	return {status: response.status, body: await response.json()};
}

describe('session', () => {
	it('keeps the session of a verified identify in sessionStorage, and the hash nowhere', async () => {
		const client = clientOf(api);
		const {hash, expiration} = sign('s1', new Date(Date.now() + 3_600_000));

		await client.identifyUser('s1', {plan: 'pro'}, {hash, expiration});

		const session = storedSession();
		expect(session).toEqual({token: expect.any(String), expiresAt: expect.any(String), userId: 's1'});
		expect(session!.token.length).toBeGreaterThan(20);
		expect(Date.parse(session!.expiresAt)).toBeGreaterThan(Date.now());
		const stored = everythingStored();
		expect(stored).not.toContain(hash);
		expect(stored.toLowerCase()).not.toContain(hash.toLowerCase());
		expect(localStorage.getItem(SESSION_KEY)).toBeNull();
	});

	it('keeps the base64 hash nowhere either', async () => {
		const client = clientOf(api);
		const hash = Buffer.from(sign('s2').hash, 'hex').toString('base64');

		await client.identifyUser('s2', {}, {hash});
		await client.updateUser({seen: true});

		expect(everythingStored()).not.toContain(hash);
	});

	it('keeps no session for an unverified (monitor mode) identify', async () => {
		const client = clientOf(api, {clientToken: MONITOR});

		await client.identifyUser('s3', {}, {hash: WRONG_HASH});

		expect(storedSession(`signet:${MONITOR}:session`)).toBeNull();
		expect(everythingStored()).not.toContain(WRONG_HASH);
	});

	it('removes the session when the next identify is refused', async () => {
		const client = clientOf(api);
		await client.identifyUser('s4', {}, sign('s4'));
		expect(storedSession()).not.toBeNull();

		await client.identifyUser('s5', {}, {hash: WRONG_HASH}).catch(() => {});

		expect(storedSession()).toBeNull();
	});
});

describe('updateUser', () => {
	it('posts the changes to /v1/user with the session as Bearer, and the API merges them', async () => {
		const client = clientOf(api);
		const {hash} = sign('u1');
		await client.identifyUser('u1', {plan: 'pro', seats: 1}, {hash});
		const {token} = storedSession()!;

		const result = await client.updateUser({seats: 3});

		expect(result).toMatchObject({userId: 'u1', verified: true, variables: {greeting: 'hi u1'}});
		expect(faults.requests.map((request) => request.path)).toEqual(['/v1/identify', '/v1/user']);
		const [, update] = faults.requests;
		expect(update!.headers.authorization).toBe(`Bearer ${token}`);
		expect(update!.headers['content-type']).toBe('text/plain;charset=UTF-8');
		expect(Object.keys(update!.body).sort()).toEqual(['anonymousId', 'clientToken', 'messageId', 'metadata', 'sentAt']);
		expect(update!.body).toMatchObject({clientToken: ENFORCE, anonymousId: client.getAnonymousId(), metadata: {seats: 3}});
		expect(update!.text).not.toContain(hash);
		expect(store.getUser(ENFORCE, 'u1')!.metadata).toEqual({plan: 'pro', seats: 3});
		expect(client.getIdentity()).toMatchObject({status: 'verified', userId: 'u1'});
	});

	it('answers a later identical identify (merged metadata) from memory', async () => {
		const client = clientOf(api);
		const verification = sign('u2');
		await client.identifyUser('u2', {plan: 'pro'}, verification);
		await client.updateUser({seats: 3});

		await client.identifyUser('u2', {plan: 'pro', seats: 3}, verification);

		expect(faults.requests).toHaveLength(2);
	});

	it('rejects with not_identified before any identify, and sends nothing', async () => {
		const client = clientOf(api);

		const error = await client.updateUser({plan: 'pro'}).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NotInitializedError);
		expect(error).toMatchObject({code: 'not_identified'});
		expect(faults.requests).toHaveLength(0);
	});

	it('rejects with not_identified after a refused identify', async () => {
		const client = clientOf(api);
		await client.identifyUser('u3').catch(() => {});

		await expect(client.updateUser({plan: 'pro'})).rejects.toMatchObject({code: 'not_identified'});
		expect(faults.requests).toHaveLength(1);
	});

	it('identifies again with the hash in memory when the API no longer knows the session', async () => {
		const client = clientOf(api);
		const {hash} = sign('u4');
		await client.identifyUser('u4', {plan: 'pro'}, {hash});
		// Another, unknown token of the right shape: the API answers 401 session_invalid.
		sessionStorage.setItem(SESSION_KEY, JSON.stringify({...storedSession(), token: 'A'.repeat(43)}));

		const result = await client.updateUser({seats: 5});

		expect(result).toMatchObject({userId: 'u4', verified: true});
		expect(faults.requests.map((request) => request.path)).toEqual(['/v1/identify', '/v1/user', '/v1/identify']);
		expect(faults.requests[2]!.body).toMatchObject({userId: 'u4', metadata: {plan: 'pro', seats: 5}, hash});
		expect(storedSession()!.token).not.toBe('A'.repeat(43));
	});

	it('rejects with NetworkError when /v1/user cannot be reached, keeping the identity and reporting the error', async () => {
		const client = clientOf(api, {retries: 1});
		await client.identifyUser('u6', {plan: 'pro'}, sign('u6'));
		const errors: unknown[] = [];
		client.on('error', (error) => errors.push(error));
		faults.script(reset(), {times: 2, path: '/v1/user'});

		const error = await client.updateUser({seats: 9}).catch((caught: unknown) => caught);

		expect(error).toMatchObject({name: 'NetworkError', code: 'network'});
		expect(errors).toEqual([error]);
		expect(faults.requestsTo('/v1/user')).toHaveLength(2);
		expect(client.getIdentity()).toMatchObject({status: 'verified', userId: 'u6', error});
		expect(client.getVariable('greeting', 'fallback')).toBe('hi u6');
	});

	it('identifies again with merged metadata in monitor mode, where there is no session', async () => {
		const client = clientOf(api, {clientToken: MONITOR});
		await client.identifyUser('u5', {plan: 'pro'});

		const result = await client.updateUser({seats: 2});

		expect(result).toMatchObject({userId: 'u5', verified: false});
		expect(faults.requests.map((request) => request.path)).toEqual(['/v1/identify', '/v1/identify']);
		expect(faults.requests[1]!.body.metadata).toEqual({plan: 'pro', seats: 2});
		expect(faults.requests[1]!.headers.authorization).toBeUndefined();
	});
});

describe('logout', () => {
	it('revokes the session, forgets the user and starts a new anonymous id', async () => {
		const client = clientOf(api);
		await client.identifyUser('l1', {plan: 'pro'}, sign('l1'));
		const oldAnonymousId = client.getAnonymousId();
		const {token} = storedSession()!;

		await client.logout();

		const revoke = faults.requestsTo('/v1/logout');
		expect(revoke).toHaveLength(1);
		expect(revoke[0]!.headers.authorization).toBe(`Bearer ${token}`);
		expect(revoke[0]!.body).toMatchObject({clientToken: ENFORCE, anonymousId: oldAnonymousId});
		// The API no longer accepts the old session.
		expect(await postUserDirectly(token, oldAnonymousId)).toMatchObject({status: 401, body: {error: {code: 'session_invalid'}}});

		const newAnonymousId = client.getAnonymousId();
		expect(newAnonymousId).toMatch(/^[\da-f-]{36}$/);
		expect(newAnonymousId).not.toBe(oldAnonymousId);
		expect(localStorage.getItem(`signet:${ENFORCE}:anonymousId`)).toBe(newAnonymousId);
		expect(client.getIdentity()).toEqual({status: 'anonymous', userId: null, anonymousId: newAnonymousId, error: null});
		expect(client.getVariable('greeting', 'fallback')).toBe('fallback');
		expect(storedSession()).toBeNull();
		await expect(client.updateUser({plan: 'free'})).rejects.toMatchObject({code: 'not_identified'});
	});

	it('sends the next identify with the new anonymous id and no session', async () => {
		const client = clientOf(api);
		await client.identifyUser('l2', {}, sign('l2'));
		await client.logout();
		const newAnonymousId = client.getAnonymousId();

		await client.identifyUser('l3', {}, sign('l3'));

		const [, , next] = faults.requests;
		expect(next!.path).toBe('/v1/identify');
		expect(next!.body.anonymousId).toBe(newAnonymousId);
		expect(next!.headers.authorization).toBeUndefined();
		expect(next!.text).not.toContain(faults.requests[1]!.headers.authorization!.slice('Bearer '.length));
	});

	it('logs out locally when the API cannot be reached, with one attempt', async () => {
		const client = clientOf(api);
		await client.identifyUser('l4', {}, sign('l4'));
		const oldAnonymousId = client.getAnonymousId();
		faults.script(reset(), {times: 3});

		await expect(client.logout()).resolves.toBeUndefined();

		expect(faults.requestsTo('/v1/logout')).toHaveLength(1);
		expect(client.getIdentity()).toMatchObject({status: 'anonymous', userId: null});
		expect(client.getAnonymousId()).not.toBe(oldAnonymousId);
		expect(storedSession()).toBeNull();
	});

	it('sends nothing when there is no session to revoke, and still starts a new anonymous id', async () => {
		const client = clientOf(api);
		const oldAnonymousId = client.getAnonymousId();

		await client.logout();

		expect(faults.requests).toHaveLength(0);
		expect(client.getAnonymousId()).not.toBe(oldAnonymousId);
	});
});

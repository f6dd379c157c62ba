// @vitest-environment jsdom
// Tabs of one browser agree on who is signed in (SPEC §4). Two clients of
// one client token in this window stand for two tabs: they share
// localStorage and a BroadcastChannel name, each keeps its session in
// memory as a tab keeps its own sessionStorage. test/e2e/tabs.test.ts does
// the same with two real pages in Chromium.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {IdentityChangedError, type Client, type InitOptions} from '../../src/browser/index';
import {delay} from '../support/fault-server';
import {clientOf, collect, ENFORCE, freshPage, MONITOR, sign, sleep, startApi, until} from './helpers';

const api = await startApi();
const RECORD_KEY = `signet:${ENFORCE}:tabs`;

beforeEach(() => freshPage(api.faults));
afterEach(() => {
	vi.unstubAllGlobals();
	vi.restoreAllMocks();
});

/** A "tab": a client of its own whose session lives in memory, as sessionStorage is one per tab. */
const tab = (options: Partial<InitOptions> = {}): Client => clientOf(api, {storage: {session: null}, ...options});

/** Both tabs verified as `userId`. */
async function bothAs(userId: string): Promise<[Client, Client]> {
	const a = tab();
	const b = tab();
	await a.identifyUser(userId, {}, sign(userId));
	await b.identifyUser(userId, {}, sign(userId));
	return [a, b];
}

describe('tabs of one browser', () => {
	it('ends the identity in the other tab when one tab logs out', async () => {
		const [a, b] = await bothAs('t1');
		const logouts = collect<{reason: string}>((handler) => b.on('logout', handler));
		expect(b.getVariable('greeting', 'hello stranger')).toBe('hi t1');

		await a.logout();
		await until(() => b.getIdentity().status === 'anonymous', 2000, 'tab B to be anonymous');

		expect(logouts).toEqual([{reason: 'other_tab'}]);
		expect(b.getIdentity()).toEqual({status: 'anonymous', userId: null, anonymousId: a.getAnonymousId(), error: null});
		expect(b.getVariable('greeting', 'hello stranger')).toBe('hello stranger');
		await expect(b.updateUser({plan: 'x'})).rejects.toMatchObject({code: 'not_identified'});
	});

	it('ends the identity in the other tab when one tab signs in a different user', async () => {
		const [a, b] = await bothAs('t2');
		const logouts = collect<{reason: string}>((handler) => b.on('logout', handler));

		await a.identifyUser('t3', {}, sign('t3'));
		await until(() => b.getIdentity().status === 'anonymous', 2000, 'tab B to be anonymous');

		expect(logouts).toEqual([{reason: 'other_tab'}]);
		expect(b.getVariable('plan', 'none')).toBe('none');
		expect(a.getIdentity()).toMatchObject({status: 'verified', userId: 't3'});
	});

	it('leaves the other tab as it is when one tab identifies the same user again', async () => {
		const [a, b] = await bothAs('t4');
		const logouts = collect<{reason: string}>((handler) => b.on('logout', handler));
		const changes = collect((handler) => b.on('change', handler));

		await a.updateUser({plan: 'team'});
		await a.identifyUser('t4', {seen: 2}, sign('t4'));
		// A change from A would have reached B by now (a marker change after it proves delivery).
		const c = tab();
		await c.identifyUser('t4', {}, sign('t4'));
		await sleep(100);

		expect(logouts).toEqual([]);
		expect(changes).toEqual([]);
		expect(b.getIdentity()).toMatchObject({status: 'verified', userId: 't4'});
		expect(b.getVariable('greeting', 'hello stranger')).toBe('hi t4');
	});

	it('leaves a client of another client token alone', async () => {
		const a = tab();
		const other = tab({clientToken: MONITOR});
		await a.identifyUser('t5', {}, sign('t5'));
		await other.identifyUser('t5', {}, sign('t5'));
		const otherId = other.getAnonymousId();

		await a.logout();
		await a.identifyUser('t6', {}, sign('t6'));
		await sleep(100);

		expect(other.getIdentity()).toMatchObject({status: 'verified', userId: 't5', anonymousId: otherId});
	});

	it('lets only ids and a change counter cross tabs: no hash, token or session token in messages or localStorage', async () => {
		const heard: unknown[] = [];
		const listener = new BroadcastChannel(RECORD_KEY);
		listener.onmessage = (event) => heard.push(event.data);
		try {
			const [a] = await bothAs('t7');
			const {hash} = sign('t8');
			await a.identifyUser('t8', {plan: 'pro'}, {hash});
			await a.logout();
			await until(() => heard.length >= 4, 2000, 'four messages');

			const messages = heard as Array<{n: number; anonymousId: string; userId: string | null}>;
			expect(messages.map(Object.keys)).toEqual(messages.map(() => ['n', 'anonymousId', 'userId']));
			expect(messages.map(({userId}) => userId)).toEqual(['t7', 't7', 't8', null]);
			const counters = messages.map(({n}) => n);
			expect(counters).toEqual([...counters].sort((x, y) => x - y));
			const everything = JSON.stringify(heard) + JSON.stringify({...localStorage});
			expect(everything).not.toContain(hash);
			expect(everything).not.toContain(sign('t7').hash);
			for (const {body} of api.faults.requests) {
				if (body?.session?.token) {
					expect(everything).not.toContain(body.session.token);
				}
			}

			expect(Object.keys({...localStorage}).sort()).toEqual([`signet:${ENFORCE}:anonymousId`, RECORD_KEY]);
		} finally {
			listener.close();
		}
	});

	it('uses the storage event where BroadcastChannel is missing', async () => {
		vi.stubGlobal('BroadcastChannel', undefined);
		const [a, b] = await bothAs('t9');
		const logouts = collect<{reason: string}>((handler) => b.on('logout', handler));

		await a.logout();
		// What the browser does in every other tab of the origin after A wrote the record.
		window.dispatchEvent(new StorageEvent('storage', {key: RECORD_KEY, newValue: localStorage.getItem(RECORD_KEY)}));

		expect(logouts).toEqual([{reason: 'other_tab'}]);
		expect(b.getIdentity()).toMatchObject({status: 'anonymous', userId: null, anonymousId: a.getAnonymousId()});
	});

	it.each(['pageshow', 'visibilitychange'])('catches up on %s after sleeping through a logout', async (event) => {
		vi.stubGlobal('BroadcastChannel', undefined);
		const [a, b] = await bothAs('t10');

		await a.logout();
		// Asleep: no storage event reached B.
		expect(b.getIdentity()).toMatchObject({status: 'verified', userId: 't10'});

		window.dispatchEvent(new Event(event));
		expect(b.getIdentity()).toMatchObject({status: 'anonymous', userId: null, anonymousId: a.getAnonymousId()});
		expect(b.getVariable('greeting', 'hello stranger')).toBe('hello stranger');
	});

	it('does not act again on a change it has already applied, nor on one older than the tab', async () => {
		vi.stubGlobal('BroadcastChannel', undefined);
		const a = tab();
		await a.identifyUser('t11', {}, sign('t11'));
		await a.logout();
		// B opens after the logout, then its user signs in: the old record is not news.
		const b = tab();
		await b.identifyUser('t12', {}, sign('t12'));
		window.dispatchEvent(new Event('pageshow'));
		expect(b.getIdentity()).toMatchObject({status: 'verified', userId: 't12'});
	});

	it('ignores a change older than one the tab has seen (a message still on its way when the tab moved on)', async () => {
		const [a, b] = await bothAs('t16');
		const stale = new BroadcastChannel(RECORD_KEY);
		try {
			stale.postMessage({n: 1, anonymousId: 'stale-id', userId: 'someone-else'});
			await sleep(100);
		} finally {
			stale.close();
		}

		for (const client of [a, b]) {
			expect(client.getIdentity()).toMatchObject({status: 'verified', userId: 't16', anonymousId: a.getAnonymousId()});
		}

		expect(a.getAnonymousId()).not.toBe('stale-id');
	});

	it('rejects calls queued for the old user with IdentityChangedError and sends none of them', async () => {
		const [a, b] = await bothAs('t13');
		api.faults.clear();
		// B's next identify is slow to answer: the logout in A arrives while it is out.
		api.faults.script(delay(1500), {path: '/v1/identify'});
		const identify = b.identifyUser('t14', {}, sign('t14'));
		const update = b.updateUser({plan: 'queued'});
		await api.faults.waitForRequests(1);

		await a.logout();
		await until(() => b.getIdentity().status === 'anonymous', 2000, 'tab B to be anonymous');

		await expect(identify).rejects.toBeInstanceOf(IdentityChangedError);
		await expect(update).rejects.toMatchObject({name: 'IdentityChangedError', code: 'identity_changed'});
		expect(b.getIdentity()).toMatchObject({status: 'anonymous', userId: null, error: null});
		expect(b.getVariable('greeting', 'hello stranger')).toBe('hello stranger');
		expect(api.faults.requestsTo('/v1/user')).toEqual([]);

		// A call made after the change is the page's new intent, and goes out.
		await expect(b.identifyUser('t15', {}, sign('t15'))).resolves.toMatchObject({verified: true});
	});
});

// @vitest-environment jsdom
// Expiring hashes: an expired one is never sent, refreshIdentity renews it,
// and a verified identity is renewed shortly before it expires. Real timers,
// short expirations: the renewal lead is max(1 s, a fifth of the time left).
import {afterEach, beforeEach, describe, expect, it, vi, type MockInstance} from 'vitest';
import {IdentityVerificationError, SignetError, type IdentityStatus} from '../../src/browser/index';
import {renewalDelay} from '../../src/browser/renewal';
import {clientOf, collect, ENFORCE, freshPage, sign, sleep, startApi, until} from './helpers';

const api = await startApi();
const {faults} = api;

const inMs = (ms: number) => new Date(Date.now() + ms);

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
	freshPage(faults);
	warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	vi.restoreAllMocks();
});

describe('an expiration already past', () => {
	it('rejects with hash_expired and sends nothing when there is no refreshIdentity', async () => {
		const client = clientOf(api);
		const rejected = collect((handler) => client.on('rejected', handler));

		const error = await client.identifyUser('x1', {}, sign('x1', inMs(-1000))).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(IdentityVerificationError);
		expect(error).toMatchObject({code: 'hash_expired'});
		expect(client.getIdentity()).toMatchObject({status: 'rejected', userId: null, error});
		expect(rejected).toEqual([error]);
		expect(warn).toHaveBeenCalledTimes(1);
		expect(String(warn.mock.calls[0]![0])).toContain('hash_expired');
		expect(faults.requests).toHaveLength(0);
	});

	it('asks refreshIdentity for a fresh hash and sends only that one', async () => {
		const fresh = sign('x2', inMs(3_600_000));
		const refreshIdentity = vi.fn(async () => fresh);
		const client = clientOf(api, {refreshIdentity});
		const stale = sign('x2', inMs(-1000));

		const result = await client.identifyUser('x2', {plan: 'pro'}, stale);

		expect(refreshIdentity).toHaveBeenCalledTimes(1);
		expect(refreshIdentity).toHaveBeenCalledWith({userId: 'x2'});
		expect(faults.requests).toHaveLength(1);
		expect(faults.requests[0]!.body).toMatchObject({userId: 'x2', metadata: {plan: 'pro'}, hash: fresh.hash, expiration: fresh.expiration});
		// The API checked the refreshed hash.
		expect(result).toMatchObject({userId: 'x2', verified: true});
		expect(client.getIdentity().status).toBe('verified');
	});

	it('sends a Date from refreshIdentity as its toISOString()', async () => {
		const expiration = inMs(3_600_000);
		const client = clientOf(api, {refreshIdentity: async () => ({hash: sign('x3', expiration).hash, expiration})});

		await expect(client.identifyUser('x3', {}, sign('x3', inMs(-1000)))).resolves.toMatchObject({verified: true});
		expect(faults.requests[0]!.body.expiration).toBe(expiration.toISOString());
	});

	it('rejects with hash_expired and sends nothing when refreshIdentity gives an expired hash too', async () => {
		const client = clientOf(api, {refreshIdentity: async () => sign('x4', inMs(-500))});

		await expect(client.identifyUser('x4', {}, sign('x4', inMs(-1000)))).rejects.toMatchObject({code: 'hash_expired'});
		expect(faults.requests).toHaveLength(0);
	});

	it('rejects with refresh_failed, emits error and sends nothing when refreshIdentity throws', async () => {
		const cause = new Error('backend down');
		const client = clientOf(api, {
			refreshIdentity: async () => {
				throw cause;
			},
		});
		const errors = collect<SignetError>((handler) => client.on('error', handler));

		const error = await client.identifyUser('x5', {}, sign('x5', inMs(-1000))).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(SignetError);
		expect(error).toMatchObject({code: 'refresh_failed', cause});
		expect(errors).toEqual([error]);
		expect(client.getIdentity()).toMatchObject({status: 'anonymous', userId: null, error});
		expect(faults.requests).toHaveLength(0);
	});

	it('rejects with invalid_hash and sends nothing when refreshIdentity gives a malformed hash', async () => {
		const client = clientOf(api, {refreshIdentity: async () => ({hash: 'not a hash'})});

		await expect(client.identifyUser('x6', {}, sign('x6', inMs(-1000)))).rejects.toMatchObject({code: 'invalid_hash'});
		expect(faults.requests).toHaveLength(0);
	});
});

describe('renewal before expiry', () => {
	it('emits expiring, asks refreshIdentity and identifies again, staying verified throughout', async () => {
		const renewed = sign('y1', inMs(3_600_000));
		const refreshIdentity = vi.fn(async () => renewed);
		const client = clientOf(api, {refreshIdentity});
		const statuses: IdentityStatus[] = [];
		client.on('identified', () => statuses.push(client.getIdentity().status));
		const expiring = collect<{userId: string; expiration: string}>((handler) => client.on('expiring', handler));
		// 2 s left: the renewal is due 1 s before expiry.
		const first = sign('y1', inMs(2000));

		await client.identifyUser('y1', {plan: 'pro'}, first);
		const poll = setInterval(() => statuses.push(client.getIdentity().status), 10);
		try {
			await until(() => faults.requests.length === 2 && statuses.filter((status) => status === 'verified').length >= 2, 8000, 'the renewal');
		} finally {
			clearInterval(poll);
		}

		expect(expiring).toEqual([{userId: 'y1', expiration: first.expiration}]);
		expect(refreshIdentity).toHaveBeenCalledWith({userId: 'y1'});
		expect(faults.requests[1]!.body).toMatchObject({userId: 'y1', metadata: {plan: 'pro'}, hash: renewed.hash, expiration: renewed.expiration});
		expect(new Set(statuses)).toEqual(new Set(['verified']));
		expect(client.getIdentity()).toMatchObject({status: 'verified', userId: 'y1', error: null});
		expect(client.getVariable('greeting', 'fallback')).toBe('hi y1');
		expect(JSON.parse(sessionStorage.getItem(`signet:${ENFORCE}:session`)!)).toMatchObject({userId: 'y1'});
	});

	it('emits error with refresh_failed when refreshIdentity throws, and keeps the identity', async () => {
		const client = clientOf(api, {
			refreshIdentity: async () => {
				throw new Error('backend down');
			},
		});
		const errors = collect<SignetError>((handler) => client.on('error', handler));
		const expiring = collect((handler) => client.on('expiring', handler));

		await client.identifyUser('y2', {}, sign('y2', inMs(1200)));
		await until(() => errors.length === 1, 5000, 'the error event');

		expect(expiring).toHaveLength(1);
		expect(errors[0]).toBeInstanceOf(SignetError);
		expect(errors[0]).toMatchObject({code: 'refresh_failed'});
		expect(faults.requests).toHaveLength(1);
		expect(client.getIdentity()).toMatchObject({status: 'verified', userId: 'y2'});
	});

	it('does not renew without refreshIdentity', async () => {
		const client = clientOf(api);
		const expiring = collect((handler) => client.on('expiring', handler));

		// With refreshIdentity a renewal would be due 50 ms from now.
		await client.identifyUser('y3', {}, sign('y3', inMs(1050)));
		await sleep(300);

		expect(expiring).toEqual([]);
		expect(faults.requests).toHaveLength(1);
	});

	it('does not renew an identity that logged out', async () => {
		const refreshIdentity = vi.fn(async () => sign('y4', inMs(3_600_000)));
		const client = clientOf(api, {refreshIdentity});
		const expiring = collect((handler) => client.on('expiring', handler));

		await client.identifyUser('y4', {}, sign('y4', inMs(1050)));
		await client.logout();
		await sleep(300);

		expect(expiring).toEqual([]);
		expect(refreshIdentity).not.toHaveBeenCalled();
		expect(faults.requestsTo('/v1/identify')).toHaveLength(1);
	});

	it('does not renew an identity replaced by another user', async () => {
		const refreshIdentity = vi.fn(async ({userId}: {userId: string}) => sign(userId, inMs(3_600_000)));
		const client = clientOf(api, {refreshIdentity});

		await client.identifyUser('y5', {}, sign('y5', inMs(1050)));
		await client.identifyUser('y6', {}, sign('y6'));
		await sleep(300);

		expect(refreshIdentity).not.toHaveBeenCalled();
		expect(faults.requests.map((request) => request.body.userId)).toEqual(['y5', 'y6']);
	});
});

describe('when the renewal is due', () => {
	const now = Date.parse('2026-11-21T12:00:00.000Z');

	it('renews a fifth of the time left before expiry', () => {
		// 4 minutes left: renewed 48 s before expiry.
		expect(renewalDelay(now + 240_000, now)).toBe(192_000);
	});

	it('renews at least 1 s before expiry', () => {
		expect(renewalDelay(now + 3000, now)).toBe(2000);
		expect(renewalDelay(now + 500, now)).toBe(0);
	});

	it('renews at most 60 s before expiry', () => {
		expect(renewalDelay(now + 3_600_000, now)).toBe(3_540_000);
	});

	it('renews at once when the hash has already expired', () => {
		expect(renewalDelay(now - 1000, now)).toBe(0);
	});

	it('never asks setTimeout for more than it can wait', () => {
		expect(renewalDelay(now + 365 * 24 * 3_600_000, now)).toBe(2 ** 31 - 1);
	});
});

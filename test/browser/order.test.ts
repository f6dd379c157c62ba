// @vitest-environment jsdom
// Calls of one client reach the API in call order, and an identify equal to
// the last accepted one is answered from memory.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {delay, reset} from '../support/fault-server';
import {clientOf, ENFORCE, freshPage, MONITOR, sign, startApi, WRONG_HASH} from './helpers';

const api = await startApi();
const {faults, store} = api;

beforeEach(() => {
	freshPage(faults);
	vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	vi.restoreAllMocks();
});

const sentUsers = () => faults.requests.map((request) => request.body.userId);

describe('order', () => {
	it('sends the calls of one client in call order even when the first is slow', async () => {
		const client = clientOf(api);
		faults.script(delay(400));

		const first = client.identifyUser('s1', {step: 1}, sign('s1'));
		const second = client.identifyUser('s1', {step: 2}, sign('s1'));
		const third = client.identifyUser('s2', {step: 3}, sign('s2'));
		await Promise.all([first, second, third]);

		expect(faults.requests.map((request) => request.body.metadata.step)).toEqual([1, 2, 3]);
		// A later call leaves only once the earlier one has its answer.
		expect(faults.requests[1]!.receivedAt).toBeGreaterThanOrEqual(faults.requests[0]!.answeredAt!);
		expect(faults.requests[2]!.receivedAt).toBeGreaterThanOrEqual(faults.requests[1]!.answeredAt!);
		expect(store.users(ENFORCE).find((record) => record.userId === 's1')!.metadata).toMatchObject({step: 2});
		expect(client.getIdentity()).toMatchObject({status: 'verified', userId: 's2'});
	});

	it('keeps the call order when an earlier call has to be retried', async () => {
		const client = clientOf(api);
		faults.script(reset());

		const first = client.identifyUser('s3', {step: 1}, sign('s3'));
		const second = client.identifyUser('s4', {step: 2}, sign('s4'));
		await Promise.all([first, second]);

		expect(sentUsers()).toEqual(['s3', 's3', 's4']);
		expect(client.getIdentity().userId).toBe('s4');
	});

	it('runs the calls behind a failed one', async () => {
		const client = clientOf(api);

		const refused = client.identifyUser('s5', {}, {hash: WRONG_HASH});
		const accepted = client.identifyUser('s6', {}, sign('s6'));

		await expect(refused).rejects.toMatchObject({code: 'hash_invalid'});
		await expect(accepted).resolves.toMatchObject({userId: 's6', verified: true});
		expect(sentUsers()).toEqual(['s5', 's6']);
	});

	it('keeps updateUser and logout in call order with identify', async () => {
		const client = clientOf(api);
		faults.script(delay(300));

		const calls = [client.identifyUser('s7', {a: 1}, sign('s7')), client.updateUser({b: 2}), client.logout()];
		await Promise.all(calls);

		expect(faults.requests.map((request) => request.path)).toEqual(['/v1/identify', '/v1/user', '/v1/logout']);
	});
});

describe('dedupe', () => {
	it('answers a repeated identical identify from memory, with no request', async () => {
		const client = clientOf(api);
		const verification = sign('d1');

		const first = await client.identifyUser('d1', {plan: 'pro'}, verification);
		const again = await client.identifyUser('d1', {plan: 'pro'}, verification);

		expect(again).toEqual(first);
		expect(faults.requests).toHaveLength(1);
	});

	it('sends identical calls made in one tick once', async () => {
		const client = clientOf(api);
		const verification = sign('d2');

		const results = await Promise.all([
			client.identifyUser('d2', {plan: 'pro'}, verification),
			client.identifyUser('d2', {plan: 'pro'}, verification),
			client.identifyUser('d2', {plan: 'pro'}, verification),
		]);

		expect(faults.requests).toHaveLength(1);
		expect(results[1]).toEqual(results[0]);
		expect(results[2]).toEqual(results[0]);
	});

	it('sends an identify whose metadata changed', async () => {
		const client = clientOf(api);
		const verification = sign('d3');

		await client.identifyUser('d3', {plan: 'pro'}, verification);
		await client.identifyUser('d3', {plan: 'enterprise'}, verification);

		expect(faults.requests.map((request) => request.body.metadata)).toEqual([{plan: 'pro'}, {plan: 'enterprise'}]);
	});

	it('sends an identify of another user', async () => {
		const client = clientOf(api);

		await client.identifyUser('d4', {}, sign('d4'));
		await client.identifyUser('d5', {}, sign('d5'));

		expect(sentUsers()).toEqual(['d4', 'd5']);
	});

	it('sends an identify with a new hash and expiration', async () => {
		const client = clientOf(api);

		await client.identifyUser('d6', {}, sign('d6'));
		await client.identifyUser('d6', {}, sign('d6', new Date(Date.now() + 3_600_000)));

		expect(faults.requests).toHaveLength(2);
	});

	it('sends the same identify again after logout', async () => {
		const client = clientOf(api);
		const verification = sign('d7');

		await client.identifyUser('d7', {plan: 'pro'}, verification);
		await client.logout();
		await client.identifyUser('d7', {plan: 'pro'}, verification);

		expect(faults.requestsTo('/v1/identify')).toHaveLength(2);
	});

	it('sends the same identify again after it was refused', async () => {
		const client = clientOf(api);

		await expect(client.identifyUser('d8', {}, {hash: WRONG_HASH})).rejects.toMatchObject({code: 'hash_invalid'});
		await expect(client.identifyUser('d8', {}, {hash: WRONG_HASH})).rejects.toMatchObject({code: 'hash_invalid'});

		expect(faults.requests).toHaveLength(2);
	});

	it('sends the same identify again after it failed on the network', async () => {
		const client = clientOf(api, {retries: 0});
		faults.script(reset());
		const verification = sign('d9');

		await expect(client.identifyUser('d9', {}, verification)).rejects.toMatchObject({code: 'network'});
		await expect(client.identifyUser('d9', {}, verification)).resolves.toMatchObject({verified: true});

		expect(faults.requests).toHaveLength(2);
	});

	it('dedupes per client: another client sends its own identify', async () => {
		const verification = sign('d10');

		await clientOf(api).identifyUser('d10', {}, verification);
		await clientOf(api, {clientToken: MONITOR}).identifyUser('d10', {}, verification);

		expect(faults.requests.map((request) => request.body.clientToken)).toEqual([ENFORCE, MONITOR]);
	});
});

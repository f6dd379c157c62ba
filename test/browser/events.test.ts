// @vitest-environment jsdom
// on(): what a page's listeners can rely on. Each identify through the
// reference API on loopback emits `identified` once.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {clientOf, ENFORCE, freshPage, sign, startApi} from './helpers';

const api = await startApi();

beforeEach(() => freshPage(api.faults));
afterEach(() => {
	vi.restoreAllMocks();
});

describe('event listeners', () => {
	it('stops calling a listener once its off() is called', async () => {
		const client = clientOf(api, {clientToken: ENFORCE});
		const heard: string[] = [];
		const off = client.on('identified', ({userId}) => heard.push(userId));
		await client.identifyUser('e1', {}, sign('e1'));
		off();
		await client.identifyUser('e2', {}, sign('e2'));
		expect(heard).toEqual(['e1']);
	});

	it('removes one subscription per off() when the same function is subscribed twice', async () => {
		const client = clientOf(api, {clientToken: ENFORCE});
		const heard: string[] = [];
		const listener = ({userId}: {userId: string}) => heard.push(userId);
		const offFirst = client.on('identified', listener);
		client.on('identified', listener);
		offFirst();
		await client.identifyUser('e3', {}, sign('e3'));
		expect(heard).toEqual(['e3']);
	});

	it('reports a listener that throws and still calls the others and resolves the call', async () => {
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		const client = clientOf(api, {clientToken: ENFORCE});
		const heard: string[] = [];
		client.on('identified', () => {
			throw new Error('page bug');
		});
		client.on('identified', ({userId}) => heard.push(userId));
		await expect(client.identifyUser('e4', {}, sign('e4'))).resolves.toMatchObject({userId: 'e4', verified: true});
		expect(heard).toEqual(['e4']);
		expect(errors).toHaveBeenCalledWith('Signet: a "identified" handler threw', expect.objectContaining({message: 'page bug'}));
	});

	it('does not call a listener added during an event for that same event, so a listener that subscribes again cannot loop', async () => {
		const client = clientOf(api, {clientToken: ENFORCE});
		let calls = 0;
		const subscribeAgain = () => {
			calls += 1;
			client.on('identified', subscribeAgain);
		};

		client.on('identified', subscribeAgain);
		await client.identifyUser('e5', {}, sign('e5'));
		expect(calls).toBe(1);
		// The one added during the first event hears the next one, with the first.
		await client.identifyUser('e6', {}, sign('e6'));
		expect(calls).toBe(3);
	});
});

// @vitest-environment jsdom
// debug: true logs what the SDK does, and never the hash.
import {afterEach, beforeEach, describe, expect, it, vi, type MockInstance} from 'vitest';
import {reset} from '../support/fault-server';
import {clientOf, freshPage, MONITOR, sign, startApi, WRONG_HASH} from './helpers';

const api = await startApi();
const {faults} = api;

const METHODS = ['debug', 'log', 'info', 'warn', 'error'] as const;
let spies: Array<MockInstance<(...args: unknown[]) => void>>;

beforeEach(() => {
	freshPage(faults);
	spies = METHODS.map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
});
afterEach(() => {
	vi.restoreAllMocks();
});

/** Everything written to the console, arguments and error messages included. */
function consoleOutput(): string {
	return spies
		.flatMap((spy) => spy.mock.calls.flat())
		.map((argument) => (argument instanceof Error ? `${argument.name} ${argument.message} ${String(argument.stack)}` : typeof argument === 'string' ? argument : JSON.stringify(argument)))
		.join('\n');
}

describe('debug', () => {
	it('logs each call with debug: true, and never a hash', async () => {
		const fresh = sign('g1', new Date(Date.now() + 3_600_000));
		const enforced = clientOf(api, {debug: true, refreshIdentity: async () => fresh});
		const monitored = clientOf(api, {debug: true, clientToken: MONITOR});
		const stale = sign('g1', new Date(Date.now() - 1000));
		const verified = sign('g2');
		const hashes = [fresh.hash, stale.hash, verified.hash, WRONG_HASH];

		await enforced.identifyUser('g1', {plan: 'pro'}, stale);
		await enforced.identifyUser('g2', {plan: 'pro'}, verified);
		await enforced.updateUser({seats: 2});
		await enforced.identifyUser('g3', {}, {hash: WRONG_HASH}).catch(() => {});
		await monitored.identifyUser('g4', {}, {hash: WRONG_HASH});
		await enforced.identifyUser('g5', {}, {hash: `${verified.hash}x`}).catch(() => {});
		faults.script(reset(), {times: 3});
		await enforced.identifyUser('g2', {}, verified).catch(() => {});
		await enforced.logout();

		const debugLines = spies[0]!.mock.calls.length;
		expect(debugLines).toBeGreaterThanOrEqual(6);
		const output = consoleOutput();
		expect(output).toContain('g2');
		for (const hash of hashes) {
			expect(output).not.toContain(hash);
			expect(output.toLowerCase()).not.toContain(hash.toLowerCase());
		}
	});

	it('logs nothing at debug level with debug off', async () => {
		const client = clientOf(api);

		await client.identifyUser('g6', {}, sign('g6'));
		await client.logout();

		expect(spies[0]).not.toHaveBeenCalled();
		expect(spies[1]).not.toHaveBeenCalled();
	});
});

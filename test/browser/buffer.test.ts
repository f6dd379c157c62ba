// @vitest-environment jsdom
// The pre-load buffer (src/browser/buffer.ts): how calls recorded by the snippet
// are replayed on the real API.
import {describe, expect, it, vi} from 'vitest';
import {invoke, METHODS, replay, type RecordedCall} from '../../src/browser/buffer';
import {InvalidArgumentError} from '../../src/browser/index';

type FakeApi = Record<(typeof METHODS)[number], (...args: any[]) => unknown>;

/** An API whose methods log their calls, in the order they are made. */
function fakeApi(overrides: Partial<FakeApi> = {}): {api: FakeApi; log: Array<[string, unknown[]]>} {
	const log: Array<[string, unknown[]]> = [];
	const api = Object.fromEntries(
		METHODS.map((method) => [
			method,
			(...args: unknown[]) => {
				log.push([method, args]);
				return overrides[method] ? overrides[method]!(...args) : Promise.resolve(`${method} done`);
			},
		]),
	) as FakeApi;
	return {api, log};
}

/** A recorded call and the promise the stub answered for it, as the snippet makes them. */
function record(method: string, ...args: unknown[]): {call: RecordedCall; promise: Promise<unknown>} {
	const call: RecordedCall = [method, args];
	const promise = new Promise((resolve, reject) => {
		call.push(resolve, reject);
	});
	promise.catch(() => {});
	return {call, promise};
}

describe('replay', () => {
	it('replays init first, then the other calls in call order', () => {
		const {api, log} = fakeApi();
		const calls = [
			record('identifyUser', '1', {plan: 'pro'}),
			record('getIdentity'),
			record('init', {clientToken: 'ct_1'}),
			record('updateUser', {seats: 2}),
			record('identifyUser', '2'),
			record('logout'),
		];

		replay(
			calls.map(({call}) => call),
			api,
		);

		expect(log).toEqual([
			['init', [{clientToken: 'ct_1'}]],
			['identifyUser', ['1', {plan: 'pro'}]],
			['getIdentity', []],
			['updateUser', [{seats: 2}]],
			['identifyUser', ['2']],
			['logout', []],
		]);
	});

	it('settles every recorded promise with what the real method answered', async () => {
		const failure = new Error('refused');
		const {api} = fakeApi({
			getIdentity: () => ({status: 'anonymous'}),
			getVariable: (_name: string, fallback: unknown) => fallback,
			identifyUser: () => Promise.reject(failure),
			init: () => Promise.resolve(),
		});
		const init = record('init', {});
		const state = record('getIdentity');
		const variable = record('getVariable', 'greeting', 'hello');
		const identify = record('identifyUser', '1');

		replay([init.call, state.call, variable.call, identify.call], api);

		await expect(init.promise).resolves.toBeUndefined();
		await expect(state.promise).resolves.toEqual({status: 'anonymous'});
		await expect(variable.promise).resolves.toBe('hello');
		await expect(identify.promise).rejects.toBe(failure);
	});

	it('rejects the recorded promise of a method that throws, and carries on', async () => {
		const thrown = new Error('sync throw');
		const {api, log} = fakeApi({
			getIdentity: () => {
				throw thrown;
			},
		});
		const state = record('getIdentity');
		const later = record('logout');

		replay([state.call, later.call], api);

		await expect(state.promise).rejects.toBe(thrown);
		await expect(later.promise).resolves.toBe('logout done');
		expect(log.map(([method]) => method)).toEqual(['getIdentity', 'logout']);
	});

	it('rejects an unknown method with InvalidArgumentError unknown_method, and carries on', async () => {
		const {api, log} = fakeApi();
		const unknown = record('identify', '1');
		const proto = record('constructor');
		const next = record('logout');

		replay([unknown.call, proto.call, next.call], api);

		const error = await unknown.promise.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(InvalidArgumentError);
		expect(error).toMatchObject({code: 'unknown_method'});
		expect((error as Error).message).toContain('identifyUser');
		await expect(proto.promise).rejects.toMatchObject({code: 'unknown_method'});
		await expect(next.promise).resolves.toBe('logout done');
		expect(log.map(([method]) => method)).toEqual(['logout']);
	});

	it('replays calls recorded without settlers, and arguments that are not an array', async () => {
		const {api, log} = fakeApi();
		const unhandled = vi.fn();
		process.on('unhandledRejection', unhandled);
		try {
			replay(
				[
					['init', [{clientToken: 'ct_1'}]],
					['logout', 'oops' as unknown as unknown[]],
					['nope', []],
				],
				api,
			);
			await new Promise((resolve) => setTimeout(resolve, 20));
		} finally {
			process.off('unhandledRejection', unhandled);
		}

		expect(log).toEqual([
			['init', [{clientToken: 'ct_1'}]],
			['logout', []],
		]);
		expect(unhandled).not.toHaveBeenCalled();
	});
});

describe('invoke', () => {
	it('answers what the method answers', () => {
		const answer = Promise.resolve('same');
		const {api} = fakeApi({identifyUser: () => answer});

		expect(invoke(api, 'identifyUser', ['1'])).toBe(answer);
	});

	it('answers a rejected promise for an unknown method instead of throwing', async () => {
		const {api} = fakeApi();

		const answer = invoke(api, 'nope', []) as Promise<unknown>;

		expect(answer).toBeInstanceOf(Promise);
		await expect(answer).rejects.toMatchObject({name: 'InvalidArgumentError', code: 'unknown_method'});
		await expect(invoke(api, 42, []) as Promise<unknown>).rejects.toMatchObject({code: 'unknown_method'});
		await expect(invoke(api, '__proto__', []) as Promise<unknown>).rejects.toMatchObject({code: 'unknown_method'});
	});
});

// The pre-load buffer: calls the snippet recorded before signet.umd.js
// arrived, and how they are replayed on the real API.
import { InvalidArgumentError } from './errors/invalid-argument-error';

/** One call the snippet recorded: method, arguments, and its promise's settlers. */
export type RecordedCall = [method: string, args: unknown[], resolve?: (value: unknown) => void, reject?: (reason: unknown) => void];

/** The methods a page may call through the snippet or the command form. */
export const METHODS = ['init', 'identifyUser', 'updateUser', 'logout', 'getIdentity', 'getAnonymousId', 'getVariable', 'on'] as const;

export type Method = (typeof METHODS)[number];

type Api = Record<Method, (...args: any[]) => unknown>;

/**
 * Calls `api[method](...args)`. An unknown method answers a rejected
 * promise with `InvalidArgumentError('unknown_method')` instead of throwing
 * into the page.
 *
 * @example
 * invoke(api, 'identifyUser', ['42']) // what api.identifyUser('42') answers
 */
export function invoke(api: Api, method: unknown, args: unknown[]): unknown {
	if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
		const error = new InvalidArgumentError('unknown_method', `Signet has no method ${JSON.stringify(String(method))}. Methods: ${METHODS.join(', ')}.`);
		const rejected = Promise.reject(error);
		rejected.catch(() => {});
		return rejected;
	}

	try {
		return api[method as Method](...args);
	} catch (error) {
		const rejected = Promise.reject(error);
		rejected.catch(() => {});
		return rejected;
	}
}

/**
 * Replays recorded calls in the order they were made, except that `init`
 * calls go first (an identify recorded before init must not fail for want
 * of it), and settles each recorded promise with the real result.
 *
 * @example
 * replay(window.Signet.q, api);
 */
export function replay(calls: readonly RecordedCall[], api: Api): void {
	const ordered = [...calls.filter(([method]) => method === 'init'), ...calls.filter(([method]) => method !== 'init')];
	for (const [method, args, resolve, reject] of ordered) {
		Promise.resolve(invoke(api, method, Array.isArray(args) ? args : [])).then(resolve, reject ?? (() => {}));
	}
}

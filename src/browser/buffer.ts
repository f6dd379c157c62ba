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
 * into the page, as does a method that throws.
 *
 * @example
 * invoke(api, 'identifyUser', ['42']) // what api.identifyUser('42') answers
 */
export function invoke(api: Api, method: unknown, args: unknown[]): unknown {
	try {
		if (!(METHODS as readonly unknown[]).includes(method)) {
			// Only a string is quoted: String() of an object runs its toString, which may throw.
			throw new InvalidArgumentError('unknown_method', `Signet has no method ${typeof method == 'string' ? JSON.stringify(method) : typeof method}. Methods: ${METHODS.join(', ')}.`);
		}

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
 * of it), and settles each recorded promise with the real result. The
 * queue is the page's to write: an entry that is not a recorded call
 * (`null`, `42`, an object whose getters throw) is skipped, and the rest
 * are replayed all the same.
 *
 * @example
 * replay(window.Signet.q, api);
 */
export function replay(calls: readonly unknown[], api: Api): void {
	for (const initFirst of [true, false]) {
		for (const entry of calls) {
			try {
				const [method, args, resolve, reject] = entry as RecordedCall;
				if ((method === 'init') === initFirst) {
					// The settlers are the page's too: one that throws, or is not a function, must not surface as an unhandled rejection.
					Promise.resolve(invoke(api, method, Array.isArray(args) ? args : [])).then(resolve, reject).catch(() => {});
				}
			} catch {}
		}
	}
}

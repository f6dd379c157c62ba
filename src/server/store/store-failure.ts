import type {IdentityStore} from './store';

/**
 * A store method that threw or rejected (a database that is down, a
 * connection cut mid-call): the handler answers it 503 `store_unavailable`
 * with `Retry-After`, so the SDK retries and nothing is answered 200 that
 * was not stored. The cause stays on the error for the log line only.
 *
 * @example
 * if (error instanceof StoreFailure) return errorReply(503, 'store_unavailable', …);
 */
export class StoreFailure extends Error {
	override readonly name = 'StoreFailure';
	/** The store method that failed: a bounded name, for metrics. */
	readonly method: string;

	constructor(method: string, cause: unknown) {
		super(`store.${method} failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, {cause});
		this.method = method;
	}
}

/**
 * The store as the handler uses it: the same methods, each failure turned
 * into a {@link StoreFailure}. A method that answers synchronously (as
 * MemoryStore's do) still does.
 *
 * @example
 * const store = guardStore(config.store, STORE_METHODS);
 */
export function guardStore(store: IdentityStore, methods: ReadonlyArray<keyof IdentityStore>): IdentityStore {
	const guarded: Record<string, unknown> = {};
	for (const method of methods) {
		const call = store[method] as (...args: unknown[]) => unknown;
		// apply(store, arguments), which V8 optimises into a plain call, rather
		// than a rest array spread into a bound function: a cost on every store call.
		guarded[method] = function (this: unknown) {
			let result: unknown;
			try {
				// eslint-disable-next-line prefer-rest-params
				result = call.apply(store, arguments as unknown as unknown[]);
			} catch (error) {
				throw new StoreFailure(method, error);
			}

			if (result instanceof Promise || typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
				return Promise.resolve(result).catch((error: unknown) => {
					throw new StoreFailure(method, error);
				});
			}

			return result;
		};
	}

	// The one property that is not a method: read once, so a store cannot
	// start asking for plain answers after some were sealed.
	guarded.inProcess = store.inProcess === true;
	return guarded as IdentityStore;
}

import type {MaybePromise} from './store';

// A store in this process (MemoryStore) answers with plain values, a
// database with promises. Awaiting a plain value still costs a promise, a
// microtask and about 280 bytes for the garbage collector; an identify
// made some twenty such awaits, a third of what it allocated. This lets a
// step wait only for what is really pending.

/**
 * Whether a store's (or a step's) answer is still pending. The handler's
 * store wrapper turns any thenable into a real Promise, so `instanceof` is enough.
 *
 * @example
 * const pending = store.countCalls(keys, windowMs, now);
 * const counts = isPromise(pending) ? await pending : pending;
 */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
	return value instanceof Promise;
}

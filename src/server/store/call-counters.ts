import {LruMap} from './lru-map';

type Counter = {end: number; count: number};

/**
 * A {@link MemoryStore}'s rate-limit counters: one per key and fixed
 * window, a bounded LRU of them. A counter in use is refreshed at every
 * call, so a busy one (an address's) is never the oldest that a flood of
 * new keys pushes out.
 *
 * @example
 * const counters = new CallCounters(100_000);
 * counters.count([addressKey], 60_000, now); // [1], then [2] in the same minute
 */
export class CallCounters {
	readonly #counters: LruMap<Counter>;

	/** At most `max` counters kept (one per key and window). */
	constructor(max: number) {
		this.#counters = new LruMap(max);
	}

	/** Counts a call for each key in the window of `windowMs` that holds `now`: each key's count, this call included. */
	count(keys: string[], windowMs: number, now: Date): number[] {
		const end = Math.floor(now.getTime() / windowMs) * windowMs + windowMs;
		const counts: number[] = [];
		for (const key of keys) {
			const name = `${windowMs}\u0000${key}`;
			const counter = this.#counters.get(name);
			if (counter === undefined) {
				this.#counters.add(name, {end, count: 1});
				counts.push(1);
			} else if (counter.end === end) {
				// Refreshed, so a busy counter (an address's) is never the oldest
				// that a flood of new keys (fresh anonymous ids) pushes out.
				this.#counters.touch(name, counter);
				counts.push(++counter.count);
			} else {
				this.#counters.touch(name, {end, count: 1});
				counts.push(1);
			}
		}

		return counts;
	}

	/** Forgets the counters whose window ended by `time`. */
	sweep(time: number): void {
		for (const [key, counter] of this.#counters.entries()) {
			if (counter.end <= time) {
				this.#counters.delete(key);
			}
		}
	}
}

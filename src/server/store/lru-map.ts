/**
 * A Map bounded to `max` entries that forgets the least recently used one
 * first: {@link LruMap.touch} moves an entry to the end, so the oldest is
 * always the first in insertion order.
 *
 * Why a class and not `map.delete(map.keys().next().value)`: V8 leaves a
 * deleted entry in its hash table as a hole until the table is rebuilt, and
 * a fresh iterator walks every hole at the front before it finds a key. In
 * a full map where each new entry pushes out the oldest, that walk was ~45
 * µs per insert at 100,000 entries (the sessions of the API load
 * benchmark), more than all the rest of an identify call. One iterator kept
 * across evictions stands after the holes it made, and every entry before
 * it has been deleted (by it, or moved to the end by `touch`), so its next
 * key is the oldest one, found in constant time.
 *
 * @example
 * const sessions = new LruMap<SessionRecord>(100_000, (hash) => forgetVisitorOf(hash));
 * sessions.touch(record.tokenHash, record); // newest; the oldest goes once past 100,000
 */
export class LruMap<V> {
	readonly #map = new Map<string, V>();
	readonly #max: number;
	readonly #onEvict: ((key: string, value: V) => void) | undefined;
	#cursor: Iterator<string> | undefined;

	/** `onEvict` runs for every entry forgotten because the map was full, after it is gone. */
	constructor(max: number, onEvict?: (key: string, value: V) => void) {
		this.#max = max;
		this.#onEvict = onEvict;
	}

	get size(): number {
		return this.#map.size;
	}

	get(key: string): V | undefined {
		return this.#map.get(key);
	}

	/** Stores `value` as the most recently used entry, then forgets the oldest while past `max`. */
	touch(key: string, value: V): void {
		this.#map.delete(key);
		this.#insert(key, value);
	}

	/** {@link LruMap.touch} for a key that `get` has just not found: one lookup fewer. */
	add(key: string, value: V): void {
		this.#insert(key, value);
	}

	#insert(key: string, value: V): void {
		const map = this.#map;
		map.set(key, value);
		while (map.size > this.#max) {
			let next = this.#cursor?.next();
			if (next === undefined || next.done === true) {
				// Exhausted once the map emptied behind it: a new one starts at the (hole-free) front.
				this.#cursor = map.keys();
				next = this.#cursor.next();
			}

			const oldest = next.value as string;
			if (this.#onEvict === undefined) {
				map.delete(oldest);
			} else {
				const evicted = map.get(oldest) as V;
				map.delete(oldest);
				this.#onEvict(oldest, evicted);
			}
		}
	}

	delete(key: string): boolean {
		return this.#map.delete(key);
	}

	/** Entries from the least to the most recently used; deleting while iterating is safe. */
	entries(): IterableIterator<[string, V]> {
		return this.#map.entries();
	}

	values(): IterableIterator<V> {
		return this.#map.values();
	}
}

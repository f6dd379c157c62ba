// Everything a page's code could read from some values, as text: what an
// error tracker serialising an error (cause chain included) could send away.
// Runs IN the page (passed to page.evaluate), so it imports nothing.

/** The text found, and how many objects were visited. */
export type Reachable = {text: string; objects: number};

/**
 * Walks every value reachable from `window.__reachableRoots`: own
 * properties enumerable or not, symbol keys, getters on the prototype
 * chain (read with the object as receiver, as `error.response.headers`
 * is), prototype-less objects, entries of iterables (Headers, Map, Set),
 * the bodies of Request and Response objects, and byte buffers. For each
 * object it also records `String(value)` and `JSON.stringify(value)`,
 * which is what loggers print. Answers all the strings met, one a line.
 *
 * @example
 * window.__reachableRoots = [error];
 * const {text} = await page.evaluate(reachableText);
 */
export async function reachableText(): Promise<Reachable> {
	const roots: unknown[] = (window as unknown as {__reachableRoots: unknown[]}).__reachableRoots;
	const texts: string[] = [];
	const seen = new Set<unknown>();
	// Builtins every object leads to: nothing of a call can be stored there.
	const shared = new Set<unknown>([Object.prototype, Function.prototype]);
	const pending: unknown[] = [...roots];
	while (pending.length > 0 && seen.size < 100_000) {
		const value = pending.pop();
		if (typeof value === 'string') {
			texts.push(value);
			continue;
		}

		if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value) || shared.has(value)) {
			if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
				texts.push(String(value));
			}

			continue;
		}

		seen.add(value);
		const object = value as any;
		for (const print of [String, JSON.stringify]) {
			try {
				texts.push(String(print(object)));
			} catch {}
		}

		try {
			if (object instanceof ArrayBuffer || ArrayBuffer.isView(object)) {
				texts.push(new TextDecoder().decode(object as ArrayBuffer));
			}
		} catch {}

		// A Request's or Response's body, if it can still be read.
		if (typeof object.clone === 'function' && typeof object.text === 'function') {
			try {
				texts.push(await object.clone().text());
			} catch {}
		}

		if (typeof object[Symbol.iterator] === 'function') {
			try {
				pending.push(...(object as Iterable<unknown>));
			} catch {}
		}

		for (let holder = object; holder !== null && !shared.has(holder); holder = Object.getPrototypeOf(holder)) {
			for (const key of Reflect.ownKeys(holder)) {
				texts.push(String(key));
				try {
					pending.push(Reflect.get(holder, key, object));
				} catch {}
			}
		}
	}

	return {text: texts.join('\n'), objects: seen.size};
}

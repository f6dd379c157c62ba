/**
 * The list of private keys a client verifies against, from one key or a
 * list (newest last). An empty list or an empty key is a configuration
 * mistake that would make every hash fail, so it throws instead of quietly
 * answering `hash_invalid` to everyone.
 *
 * @example
 * secretList('sk_live_new') // ['sk_live_new']
 * secretList(['sk_live_old', 'sk_live_new']) // both, in that order
 * secretList([]) // throws TypeError
 */
export function secretList(secrets: unknown, name = 'secrets'): string[] {
	const list: unknown[] = Array.isArray(secrets) ? secrets : [secrets];
	if (list.length === 0) {
		throw new TypeError(`${name} must list at least one private key`);
	}

	list.forEach((secret, index) => {
		if (typeof secret !== 'string' || secret === '') {
			// The value itself is never put in the message: it may be a real key.
			const where = Array.isArray(secrets) ? `${name}[${index}]` : name;
			throw new TypeError(`${where} must be a non-empty string (the private key)`);
		}
	});

	return list as string[];
}

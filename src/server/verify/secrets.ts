import {createHash, timingSafeEqual} from 'node:crypto';

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

/**
 * A key's fingerprint, as sessions record which key verified them: the
 * first 16 hex characters of SHA-256 of a label and the key. It names the
 * key without revealing it, so a session of a key that was removed from
 * the configuration can be told and refused.
 *
 * @example
 * keyId('sk_live_new') // 16 hex characters, the same on every instance
 */
export function keyId(key: string): string {
	return createHash('sha256').update(`signet key id\u0000${key}`, 'utf8').digest('hex').slice(0, 16);
}

/**
 * Whether a credential a caller sent is `expected`, in constant time: both
 * sides hashed first, so the comparison takes the same time whatever the
 * lengths, and timingSafeEqual gets equal-length inputs.
 *
 * @example
 * sameSecret(bearerToken, client.adminKey) // true only for the very key
 */
export function sameSecret(given: string, expected: string): boolean {
	const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
	return timingSafeEqual(digest(given), digest(expected));
}

/**
 * A random v4 UUID, from `getRandomValues`: `crypto.randomUUID` only
 * exists in secure contexts, and one way for every page is smaller.
 *
 * @example
 * uuid() // 'f81d4fae-7dec-41d0-a765-00a0c91e6bf6'
 */
export const uuid = (): string =>
	'10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (digit) => (+digit ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+digit / 4)))).toString(16));

/**
 * A random v4 UUID. `crypto.randomUUID` only exists in secure contexts, so
 * plain-http pages get one built from `getRandomValues`.
 *
 * @example
 * uuid() // 'f81d4fae-7dec-41d0-a765-00a0c91e6bf6'
 */
export function uuid(): string {
	return (
		crypto.randomUUID?.() ??
		'10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (digit) =>
			(+digit ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+digit / 4)))).toString(16),
		)
	);
}

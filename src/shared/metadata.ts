// What metadata may be, checked alike by the API (a call's metadata) and by
// both sides of an identity token (its signed attributes): a plain JSON
// object, not too deep, no key that reaches a prototype, text a database
// can hold, and within the size limit.
import {FORBIDDEN_KEYS, MAX_METADATA_BYTES} from './limits';

/** Deepest nesting accepted in metadata: deeper is surely not user data, and walking it costs stack. @example 32 */
export const MAX_METADATA_DEPTH = 32;

// Text JSON can carry but a database cannot store (PostgreSQL's jsonb
// refuses both, its text U+0000): refused as a 400, in ids and metadata,
// not failed as a 503 in the store. With the u flag, a surrogate pair is
// one code point and does not match.
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDFFF]/u;

/**
 * Whether `text` holds U+0000 or a lone surrogate: text no store can hold.
 *
 * @example
 * isUnstorableText('a\uD800') // true
 * isUnstorableText('😀') // false: a surrogate pair is one character
 */
export function isUnstorableText(text: string): boolean {
	return UNSTORABLE_TEXT.test(text);
}

/**
 * Whether `value` is an object that is neither null nor an array.
 *
 * @example
 * isPlainObject({}) // true
 * isPlainObject([]) // false
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Why a parsed JSON value cannot be metadata (or a token's signed
 * attributes), or `undefined` when it can: a plain object, not too deep,
 * no forbidden key at any depth, at most {@link MAX_METADATA_BYTES} as JSON.
 *
 * @example
 * metadataProblemOf({plan: 'pro'}) // undefined
 * metadataProblemOf([]) // 'must be a JSON object (not an array or null)'
 */
// The value came from JSON.parse, so it holds only plain objects, arrays
// and primitives; JSON.parse makes "__proto__" an own key, which is why
// keys are read with Object.keys and not with `in`.
export function metadataProblemOf(metadata: unknown): string | undefined {
	if (!isPlainObject(metadata)) {
		return 'must be a JSON object (not an array or null)';
	}

	// An explicit stack: a 64 KiB body can nest thousands of levels deep.
	const stack: Array<[unknown, number]> = [[metadata, 1]];
	while (stack.length > 0) {
		const [value, depth] = stack.pop()!;
		if (value === null || typeof value !== 'object') {
			if (typeof value === 'string' && isUnstorableText(value)) {
				return 'must not hold U+0000 or a lone surrogate in a string';
			}

			continue;
		}

		if (depth > MAX_METADATA_DEPTH) {
			return `must not nest more than ${MAX_METADATA_DEPTH} levels deep`;
		}

		for (const key of Object.keys(value)) {
			if (FORBIDDEN_KEYS.includes(key)) {
				return `must not use the key ${JSON.stringify(key)} at any depth`;
			}

			if (isUnstorableText(key)) {
				return 'must not hold U+0000 or a lone surrogate in a key';
			}

			stack.push([(value as Record<string, unknown>)[key], depth + 1]);
		}
	}

	if (jsonBytesOver(metadata, MAX_METADATA_BYTES)) {
		return `must be at most ${MAX_METADATA_BYTES} bytes as JSON`;
	}

	return undefined;
}

/**
 * Whether `value`'s JSON is more than `max` UTF-8 bytes. A character takes
 * at most 3 bytes per UTF-16 unit, so short JSON is never measured in bytes.
 *
 * @example
 * jsonBytesOver({name: 'Ada'}, 16_384) // false
 */
export function jsonBytesOver(value: unknown, max: number): boolean {
	const text = JSON.stringify(value);
	return text.length > max || (text.length * 3 > max && utf8Length(text) > max);
}

// UTF-8 bytes of a string, as an encoder writes them (a lone surrogate as
// U+FFFD, 3 bytes), without one: this module is shared, so no Buffer.
function utf8Length(text: string): number {
	let bytes = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code < 0x80) {
			bytes += 1;
		} else if (code < 0x800) {
			bytes += 2;
		} else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
			bytes += 4;
			index++;
		} else {
			bytes += 3;
		}
	}

	return bytes;
}

const HEX = /^[\da-f]{64}$/i;
// 32 bytes are 43 base64 characters and one '=' of padding. The 43rd
// character carries 2 unused bits, which must be zero: otherwise several
// strings would decode to the same bytes, and a flipped bit could go unseen.
// Either alphabet is accepted (base64 or base64url), but not a mix of both.
const BASE64 = /^([\w-]{42}|[A-Za-z\d+/]{42})[AEIMQUYcgkosw048]=?$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Whether `text` (already trimmed) is written as a 32-byte digest: 64 hex
 * characters (either case), or base64 / base64url with optional padding.
 *
 * @example
 * isHashFormat('ab'.repeat(32)) // true
 * isHashFormat('0x' + 'ab'.repeat(31)) // false
 */
export const isHashFormat = (text: string): boolean => HEX.test(text) || BASE64.test(text);

/**
 * Decodes a hash in any form `isHashFormat` accepts (surrounding whitespace
 * allowed) into its 32 bytes;
 * `undefined` for anything else. Never throws.
 *
 * @example
 * decodeHash('ab'.repeat(32))?.length // 32
 * decodeHash('0x1234') // undefined
 */
export function decodeHash(hash: unknown): Uint8Array | undefined {
	const text = typeof hash === 'string' ? hash.trim() : '';
	if (!isHashFormat(text)) {
		return undefined;
	}

	const bytes = new Uint8Array(32);
	if (text.length === 64) {
		// Hex (the format said so): two digits a byte, from their character
		// codes, with no string cut out per byte.
		for (let i = 0; i < 32; i++) {
			bytes[i] = (hexDigit(text.charCodeAt(i * 2)) << 4) | hexDigit(text.charCodeAt(i * 2 + 1));
		}

		return bytes;
	}

	let buffer = 0;
	let bits = 0;
	let index = 0;
	for (const character of text.slice(0, 43).replace(/-/g, '+').replace(/_/g, '/')) {
		buffer = ((buffer << 6) | ALPHABET.indexOf(character)) & 0xfff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes[index++] = (buffer >> bits) & 0xff;
		}
	}

	return bytes;
}

// 0-9, A-F or a-f (the format was checked): '0' is 48, 'A' 65, 'a' 97.
function hexDigit(code: number): number {
	return code <= 57 ? code - 48 : (code | 32) - 87;
}

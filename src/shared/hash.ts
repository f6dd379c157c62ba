const HEX = /^[\da-fA-F]{64}$/;
// 32 bytes are 43 base64 characters and one '=' of padding. The 43rd
// character carries 2 unused bits, which must be zero: otherwise several
// strings would decode to the same bytes, and a flipped bit could go unseen.
const BASE64 = /^[\w+/-]{42}[AEIMQUYcgkosw048]=?$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes an HMAC-SHA256 hash written as hex (either case), base64 or
 * base64url (padding optional) into its 32 bytes. Surrounding whitespace is
 * dropped. Answers `undefined` for anything else, never throws.
 *
 * @example
 * decodeHash('ab'.repeat(32))?.length // 32
 * decodeHash('0x1234') // undefined
 */
export function decodeHash(hash: unknown): Uint8Array | undefined {
	if (typeof hash !== 'string') {
		return undefined;
	}

	const text = hash.trim();
	if (HEX.test(text)) {
		const bytes = new Uint8Array(32);
		for (let i = 0; i < 32; i++) {
			bytes[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
		}

		return bytes;
	}

	// Either alphabet is accepted, but not a mix of the two.
	if (!BASE64.test(text) || (/[+/]/.test(text) && /[-_]/.test(text))) {
		return undefined;
	}

	const bytes = new Uint8Array(32);
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

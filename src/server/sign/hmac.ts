import {createHmac} from 'node:crypto';

/**
 * HMAC-SHA256 of `message` under `key`. Strings are taken as their UTF-8
 * bytes, which is how the wire protocol signs both the private key and the message;
 * byte arrays are taken as they are, so the RFC 4231 vectors (binary keys)
 * can test this core directly.
 *
 * @example
 * hmacSha256('Jefe', 'what do ya want for nothing?').toString('hex')
 * // '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'
 */
export function hmacSha256(key: Uint8Array | string, message: Uint8Array | string): Buffer {
	// createHmac and update take a string as its UTF-8 bytes themselves: no Buffer copied per call.
	return createHmac('sha256', key).update(message).digest();
}

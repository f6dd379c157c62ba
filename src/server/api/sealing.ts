import {createCipheriv, createDecipheriv, hash} from 'node:crypto';
import {randomBytesFromPool} from './random-pool';

/**
 * A value derived from `ids` (and `content`) under `label`: SHA-256 of the
 * UTF-8 text, hex. Two labels give two unrelated values from the same ids
 * (one names a thing in the store, another encrypts it); hashing content
 * with the ids keeps the store from testing guesses of a low-entropy
 * content. The one-shot crypto.hash makes no Hash object, a third of
 * createHash's time.
 *
 * @example
 * derive('signet reply id', ids) // '3f…' (64 hex characters)
 */
export function derive(label: string, ids: string, content = ''): string {
	return hash('sha256', `${label}\u0000${ids}\u0000${content}`, 'hex');
}

/**
 * `text` encrypted with AES-256-GCM under `key` (32 bytes), as base64url of
 * the IV, the tag and the ciphertext: what the store keeps of a value it
 * must not read.
 *
 * @example
 * const sealed = sealText(JSON.stringify(reply), Buffer.from(derive('signet reply key', ids), 'hex'));
 */
export function sealText(text: string, key: Buffer): string {
	const iv = randomBytesFromPool(12);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
	return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
}

/**
 * The text {@link sealText} sealed under `key`, or `undefined` when it does
 * not open (another key, or a corrupted store).
 *
 * @example
 * openText(sealed, key) // the text, or undefined
 */
export function openText(sealed: string, key: Buffer): string | undefined {
	try {
		const bytes = Buffer.from(sealed, 'base64url');
		const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
		decipher.setAuthTag(bytes.subarray(12, 28));
		return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
	} catch {
		return undefined;
	}
}

// Secret keys at rest: AES-256-GCM under the master key, with the client
// token and key id as associated data, so a sealed secret moved to another
// key's row (or another client's) no longer opens.
import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto';

// The format's version, so a later cipher can be told from this one.
const PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * `secret` sealed under `masterKey` for one key of one client: text that
 * holds nothing readable and opens only with the same key, client and id.
 *
 * @example
 * const sealed = sealSecret(masterKey, 'ct_live', 'key_1', secret); // 'v1.…'
 */
export function sealSecret(masterKey: Buffer, clientToken: string, keyId: string, secret: string): string {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
	cipher.setAAD(associatedData(clientToken, keyId));
	const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
	return PREFIX + Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/**
 * The secret `sealed` holds, or `undefined` when it does not open under
 * `masterKey` for this client and key (a wrong master key, a moved or
 * altered row): never garbage.
 *
 * @example
 * openSecret(masterKey, 'ct_live', 'key_1', sealed) // the secret, or undefined
 */
export function openSecret(masterKey: Buffer, clientToken: string, keyId: string, sealed: string): string | undefined {
	if (!sealed.startsWith(PREFIX)) {
		return undefined;
	}

	const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
	if (bytes.length < IV_BYTES + TAG_BYTES) {
		return undefined;
	}

	try {
		const decipher = createDecipheriv('aes-256-gcm', masterKey, bytes.subarray(0, IV_BYTES));
		decipher.setAAD(associatedData(clientToken, keyId));
		decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
		return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
	} catch {
		return undefined;
	}
}

// Length-prefixed, so no client token and key id can run into another pair.
function associatedData(clientToken: string, keyId: string): Buffer {
	return Buffer.from(`signet key\u0000${clientToken.length}:${clientToken}\u0000${keyId}`, 'utf8');
}

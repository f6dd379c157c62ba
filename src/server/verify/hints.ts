import {timingSafeEqual} from 'node:crypto';
import {decodeHash} from '../../shared/hash';
import {expirationString, identityMessage, userIdProblem} from '../../shared/message';
import {hmacSha256} from '../sign/hmac';

/** The signing mistake a failed hash most likely comes from (docs/signing.md, "When a hash does not match"). */
export type Hint =
	| 'retired_key'
	| 'other_client'
	| 'user_id_whitespace'
	| 'user_id_case'
	| 'user_id_number_format'
	| 'key_encoding'
	| 'key_and_message_swapped'
	| 'expiration_format'
	| 'expiration_concatenated';

/** What {@link diagnose} reads of a failed identify call: exactly what the page sent. */
export type DiagnosisInput = {userId: unknown; hash: unknown; expiration?: unknown};

/** The keys {@link diagnose} tries for the call's own client. */
export type DiagnosisKeys = {secrets: readonly string[]; retiredSecrets?: readonly string[]};

/**
 * Each hint in words, for the 403 `error.message` and the monitor-mode
 * `message`: the API carries the sentences so the browser
 * SDK does not have to ship them.
 *
 * @example
 * `${VERIFICATION_MESSAGES.hash_invalid}; ${HINT_MESSAGES.user_id_case}`
 */
export const HINT_MESSAGES: Record<Hint, string> = {
	retired_key: 'the hash was signed with a retired key of this client: sign with a current key',
	other_client: "the hash was signed with another client's key (another workspace or environment, such as sandbox for production): sign with this client's key",
	user_id_whitespace: 'the hash was signed for the user id with surrounding whitespace added or removed: sign exactly the id the page sends',
	user_id_case: 'the hash was signed for the user id in another letter case: sign exactly the id the page sends',
	user_id_number_format: 'the hash was signed for another spelling of the same number (such as 042 or 42.0 for 42): sign exactly the id the page sends',
	key_encoding: "the hash was signed with the key's hex- or base64-decoded bytes: use the key's text (its UTF-8 bytes) as the HMAC key",
	key_and_message_swapped: 'the hash was signed with the user id as the HMAC key and the private key as the message: swap the two (PHP: hash_hmac(\'sha256\', $message, $key))',
	expiration_format: 'the expiration was signed written another way than the page sends it: sign exactly the string the page sends, as toISOString() writes it',
	expiration_concatenated: 'the hash was signed over the user id and the expiration without the newline between them: sign userId + "\\n" + expiration',
};

/**
 * How many keys of other clients are tried for `other_client`, so that an
 * API with many clients still does a bounded amount of work per failed hash.
 *
 * @example
 * diagnose(call, client, others) // tries at most MAX_OTHER_CLIENT_KEYS foreign keys
 */
export const MAX_OTHER_CLIENT_KEYS = 32;

// One way of signing: the key (as text, taken as UTF-8, or as bytes) and the message.
type Attempt = {key: string | Uint8Array; message: string};

/**
 * Names the usual signing mistake behind a hash that did not verify, or
 * `undefined` when none of them explains it. Call it only for a hash that
 * failed (`hash_invalid`). It tries, in a fixed order, a
 * fixed list of variants of the call (the id re-spaced, re-cased or
 * re-numbered, the expiration re-written or glued on) and of the keys
 * (retired keys, other clients' keys, the key decoded, key and message
 * swapped), all with HMAC-SHA256 and constant-time comparisons: at most
 * about twenty HMACs per key, whatever the page sent.
 *
 * The answer is only ever one of nine names: never a key, a digest, or
 * anything of another user.
 *
 * @example
 * diagnose({userId: ' 42', hash: signIdentity('42', key).hash}, {secrets: [key]}, []) // 'user_id_whitespace'
 * diagnose({userId: '42', hash: randomHash}, {secrets: [key]}, []) // undefined
 */
export function diagnose(input: DiagnosisInput, client: DiagnosisKeys, otherClients: Iterable<DiagnosisKeys> = []): Hint | undefined {
	const {userId, hash, expiration} = input;
	const given = decodeHash(hash);
	const id = typeof userId === 'number' ? String(userId) : userId;
	const time = expiration === undefined || expiration === null ? undefined : expirationString(expiration);
	if (given === undefined || typeof id !== 'string' || userIdProblem(id) !== undefined || (time === undefined && expiration != null)) {
		return undefined;
	}

	const matches = (attempts: Attempt[]) => attempts.some(({key, message}) => timingSafeEqual(hmacSha256(key, message), given));
	const message = identityMessage(id, time);
	const signedWith = (keys: readonly string[]): Attempt[] => keys.map((key) => ({key, message}));
	const signedFor = (messages: string[]): Attempt[] => client.secrets.flatMap((key) => messages.map((text) => ({key, message: text})));
	const forIds = (ids: string[]) => signedFor(variants(id, ids).map((other) => identityMessage(other, time)));

	const mistakes: Array<[Hint, () => Attempt[]]> = [
		['retired_key', () => signedWith(client.retiredSecrets ?? [])],
		['other_client', () => signedWith(foreignKeys(otherClients))],
		['user_id_whitespace', () => forIds([id.trim(), ` ${id}`, `${id} `, `${id}\n`, `${id}\r\n`])],
		['user_id_case', () => forIds([id.toLowerCase(), id.toUpperCase()])],
		['user_id_number_format', () => forIds(numberSpellings(id))],
		['key_encoding', () => client.secrets.flatMap((key) => decodedKeys(key).map((bytes) => ({key: bytes, message})))],
		['key_and_message_swapped', () => client.secrets.map((key) => ({key: message, message: key}))],
		['expiration_format', () => (time === undefined ? [] : signedFor(variants(time, instantSpellings(time)).map((other) => identityMessage(id, other))))],
		['expiration_concatenated', () => (time === undefined ? [] : signedFor([id + time]))],
	];
	return mistakes.find(([, attempts]) => matches(attempts()))?.[0];
}

/**
 * The hint for a verification failure of `client`'s call, trying the
 * other clients of the API for `other_client`. Only `hash_invalid` has
 * one: a missing hash has nothing to diagnose, an expired one verified.
 *
 * @example
 * const hint = hintFor(result.code, {userId, hash, expiration}, client, settings.clients);
 */
export function hintFor<T extends DiagnosisKeys>(code: string, input: DiagnosisInput, client: T, clients: Map<string, T>): Hint | undefined {
	if (code !== 'hash_invalid') {
		return undefined;
	}

	return diagnose(input, client, [...clients.values()].filter((other) => other !== client));
}

// The variants that differ from the original, each once.
function variants(original: string, candidates: string[]): string[] {
	return [...new Set(candidates)].filter((candidate) => candidate !== original && candidate !== '');
}

function foreignKeys(clients: Iterable<DiagnosisKeys>): string[] {
	const keys: string[] = [];
	for (const client of clients) {
		keys.push(...client.secrets);
	}

	return keys.slice(0, MAX_OTHER_CLIENT_KEYS);
}

// A backend that reads the id as a number writes it back its own way:
// without leading zeros, with a decimal part, or (past 2^53) rounded.
function numberSpellings(id: string): string[] {
	if (!/^\d+(\.\d+)?$/.test(id)) {
		return [];
	}

	const plain = String(Number(id));
	return [plain, `0${plain}`, `${plain}.0`];
}

// Node decodes leniently (it stops at the first character that does not
// fit), so these are exactly the keys `Buffer.from(key, 'hex' | 'base64')`
// gives; a strict decoder gives the same bytes for a key that does decode.
function decodedKeys(key: string): Uint8Array[] {
	const text = Buffer.from(key, 'utf8');
	const decoded = [Buffer.from(key, 'hex'), Buffer.from(key, 'base64')];
	return decoded.filter((bytes, index) => !bytes.equals(text) && (index === 0 || !bytes.equals(decoded[0])));
}

// The same instant as other languages and libraries write it by default:
// no milliseconds, an offset instead of Z, microseconds (Python), a space
// instead of the T (SQL), or epoch seconds and milliseconds.
function instantSpellings(time: string): string[] {
	const seconds = time.slice(0, 19);
	const millis = time.slice(20, 23);
	const epoch = Date.parse(time);
	return [
		`${seconds}Z`,
		`${seconds}+00:00`,
		`${seconds}.${millis}+00:00`,
		`${seconds}.${millis}000Z`,
		`${seconds}.${millis}000+00:00`,
		`${seconds.replace('T', ' ')}`,
		String(Math.floor(epoch / 1000)),
		String(epoch),
	];
}

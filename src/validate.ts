// Every argument is checked here, before anything is queued or sent.
import { InvalidArgumentError, type InvalidArgumentCode } from './errors/invalid-argument-error';
import { own } from './own';
import { isHashFormat } from './shared/hash';
import { FORBIDDEN_KEYS, MAX_METADATA_BYTES } from './shared/limits';
import { expirationString, userIdProblem } from './shared/message';
import type { Metadata } from './types/options';

/** A checked identify call, ready for the wire. */
export type IdentifyCall = {
	userId: string;
	metadata?: Metadata;
	hash?: string;
	expiration?: string;
};

function refuse(code: InvalidArgumentCode, message: string): never {
	throw new InvalidArgumentError(code, message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	const prototype = typeof value === 'object' && value !== null && Object.getPrototypeOf(value);
	return prototype === Object.prototype || prototype === null;
}

/**
 * The user id as it goes on the wire: a string is kept exactly as given
 * (the signature covers its bytes), a safe integer becomes `String(id)`.
 *
 * @example
 * checkUserId(42) // '42'
 * checkUserId(' 42 ') // ' 42 ', never trimmed
 */
export function checkUserId(userId: unknown): string {
	const problem = userIdProblem(userId);
	return problem ? refuse('invalid_user_id', `userId ${problem}`) : String(userId);
}

/**
 * Metadata must be a plain JSON object under 16 KiB, without keys that
 * reach a prototype, and without values JSON would drop or change
 * (functions, undefined, NaN, dates, class instances, BigInt, cycles).
 * Answers a copy, taken at call time.
 *
 * @example
 * checkMetadata({plan: 'pro'}) // {plan: 'pro'}
 * checkMetadata({at: new Date()}) // throws InvalidArgumentError('invalid_metadata')
 */
export function checkMetadata(metadata: unknown, required = false): Metadata | undefined {
	if (metadata === undefined && !required) {
		return undefined;
	}

	let problem = isPlainObject(metadata) ? '' : 'must be a plain object';
	let json = '';
	try {
		json = JSON.stringify(metadata, function (this: Record<string, unknown>, key, value: unknown) {
			const original = this[key];
			if (FORBIDDEN_KEYS.includes(key)) {
				problem ||= `has the key ${key}`;
			} else if (
				// toJSON (dates, or any object with one) would send something else than what was given.
				value !== original ||
				(typeof original === 'object' ? original !== null && !Array.isArray(original) && !isPlainObject(original) : !['string', 'boolean'].includes(typeof original) && !Number.isFinite(original))
			) {
				problem ||= `has a non-JSON value at ${key}`;
			}

			return value;
		});
	} catch {
		problem ||= 'is not JSON';
	}

	// UTF-8 takes at most 3 bytes per UTF-16 unit: most metadata needs no encoding to be measured.
	if (!problem && json.length * 3 > MAX_METADATA_BYTES && new TextEncoder().encode(json).length > MAX_METADATA_BYTES) {
		problem = `is over ${MAX_METADATA_BYTES} bytes`;
	}

	// A copy of what was checked: the page may change its object while the
	// call waits in the queue, and what is sent must be what was validated.
	return problem ? refuse('invalid_metadata', `metadata ${problem}`) : (JSON.parse(json) as Metadata);
}

/**
 * The hash, without surrounding whitespace, if it is a 32-byte digest in hex or base64.
 *
 * @example
 * checkHash(` ${'ab'.repeat(32)}\n`) // 'abab…ab'
 */
export function checkHash(hash: unknown): string | undefined {
	if (hash == null) {
		return undefined;
	}

	// The message never quotes the value: it is a credential. It does name
	// two known shapes of a wrong hash: GitHub-style `sha256=` before the
	// hex, and base64 of the hex text (88 characters) instead of the digest's.
	const text = typeof hash == 'string' ? hash.trim() : '';
	return isHashFormat(text)
		? text
		: refuse('invalid_hash', /^sha256=/i.test(text) ? 'drop the sha256= before the hash' : /^[\w+/]{86}==$/.test(text) ? 'hash is base64 of the hex: send the hex' : 'hash must be hex or base64 HMAC-SHA256');
}

/**
 * The expiration's wire string: a string verbatim, a Date as ISO.
 *
 * @example
 * checkExpiration(new Date(0)) // '1970-01-01T00:00:00.000Z'
 */
export function checkExpiration(expiration: unknown): string | undefined {
	return expiration == null ? undefined : expirationString(expiration) ?? refuse('invalid_expiration', 'expiration must be a valid date');
}

/**
 * Checks a whole identify call; throws `InvalidArgumentError` for the first bad argument.
 *
 * @example
 * checkIdentify(42, {plan: 'pro'}, {hash}) // {userId: '42', metadata: {plan: 'pro'}, hash, expiration: undefined}
 */
export function checkIdentify(userId: unknown, metadata: unknown, verification: unknown): IdentifyCall {
	if (verification != null && typeof verification !== 'object') {
		refuse('invalid_hash', 'verification must be an object');
	}

	return {
		userId: checkUserId(userId),
		metadata: checkMetadata(metadata ?? undefined),
		hash: checkHash(own(verification, 'hash')),
		expiration: checkExpiration(own(verification, 'expiration')),
	};
}

// Every argument is checked here, before anything is queued or sent.
import { checkProof, refuse, type Proof } from './proof';
import { FORBIDDEN_KEYS, MAX_METADATA_BYTES } from '../shared/limits';
import { userIdProblem } from '../shared/message';
import type { Metadata } from './types/options';

/** A checked identify call: the user, the metadata, and what proves the identity. */
export type IdentifyCall = Proof & {userId: string; metadata?: Metadata};

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
export function checkMetadata(metadata: unknown): Metadata {
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

	if (!problem && new TextEncoder().encode(json).length > MAX_METADATA_BYTES) {
		problem = `is over ${MAX_METADATA_BYTES} bytes`;
	}

	// A copy of what was checked: the page may change its object while the
	// call waits in the queue, and what is sent must be what was validated.
	return problem ? refuse('invalid_metadata', `metadata ${problem}`) : (JSON.parse(json) as Metadata);
}

/**
 * Checks a whole identify call; throws `InvalidArgumentError` for the first bad argument.
 *
 * @example
 * checkIdentify(42, {plan: 'pro'}, {hash}) // {userId: '42', metadata: {plan: 'pro'}, hash, expiration: undefined}
 * checkIdentify('42', undefined, {token}) // {userId: '42', metadata: undefined, token, expiration}
 */
export function checkIdentify(userId: unknown, metadata: unknown, verification: unknown): IdentifyCall {
	const id = checkUserId(userId);
	return {userId: id, metadata: metadata == null ? undefined : checkMetadata(metadata), ...checkProof(verification, id)};
}

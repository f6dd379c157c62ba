import { MAX_USER_ID_LENGTH } from './limits';

// U+0000–U+001F and U+007F. Refusing them in user ids is what makes the
// newline below an unambiguous separator (SPEC §3).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Why a user id cannot be signed or sent, or `undefined` when it can.
 *
 * @example
 * userIdProblem('') // 'must not be empty'
 * userIdProblem(42) // undefined
 */
export function userIdProblem(userId: unknown): string | undefined {
	if (typeof userId === 'number') {
		return Number.isSafeInteger(userId) ? undefined : 'must be a safe integer';
	}

	if (typeof userId !== 'string') {
		return 'must be a string or number';
	}

	if (userId.length === 0) {
		return 'must not be empty';
	}

	if (userId.length > MAX_USER_ID_LENGTH) {
		return `must be at most ${MAX_USER_ID_LENGTH} characters`;
	}

	if (CONTROL_CHARACTER.test(userId)) {
		return 'must not contain control characters';
	}

	return undefined;
}

/**
 * The exact text that is signed for a user: the id alone, or the id and the
 * expiration string separated by a newline.
 *
 * @example
 * identityMessage('123') // '123'
 * identityMessage('123', '2026-11-21T12:00:00.000Z') // '123\n2026-11-21T12:00:00.000Z'
 */
export function identityMessage(userId: string, expiration?: string): string {
	return expiration === undefined ? userId : `${userId}\n${expiration}`;
}

/**
 * The wire form of an expiration: a string is kept verbatim (the signature
 * covers its exact characters), a `Date` is written with `toISOString()`.
 * Answers `undefined` for anything that is not a valid date.
 *
 * @example
 * expirationString(new Date(0)) // '1970-01-01T00:00:00.000Z'
 */
export function expirationString(expiration: unknown): string | undefined {
	if (expiration instanceof Date) {
		return Number.isNaN(expiration.getTime()) ? undefined : expiration.toISOString();
	}

	if (typeof expiration === 'string' && expiration.trim() !== '' && !Number.isNaN(Date.parse(expiration))) {
		return expiration;
	}

	return undefined;
}

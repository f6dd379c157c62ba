import { MAX_USER_ID_LENGTH } from './limits';

// U+0000–U+001F and U+007F. Refusing them in user ids is what makes the
// newline below an unambiguous separator in what is signed.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

// With the u flag a surrogate pair is one code point, so this matches only a
// lone surrogate: UTF-8 would encode it as U+FFFD, and 'bob\uD800' would then
// verify with the hash of 'bob\uFFFD'.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Why a user id cannot be signed or sent, or `undefined` when it can.
 *
 * @example
 * userIdProblem('') // 'is empty'
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
		return 'is empty';
	}

	if (userId.length > MAX_USER_ID_LENGTH) {
		return `is over ${MAX_USER_ID_LENGTH} characters`;
	}

	if (CONTROL_CHARACTER.test(userId)) {
		return 'has a control character';
	}

	if (LONE_SURROGATE.test(userId)) {
		return 'has a lone surrogate (ill-formed text)';
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
 * A string must already be in that one form, `YYYY-MM-DDTHH:mm:ss.sssZ`
 * (the one spelling that is signed): anything else `Date.parse` might read (`"2030"`, a time with
 * no zone, whose meaning depends on the reader's time zone) answers
 * `undefined`, as does an invalid date.
 *
 * @example
 * expirationString(new Date(0)) // '1970-01-01T00:00:00.000Z'
 * expirationString('2026-11-21T12:00:00') // undefined: no zone
 */
export function expirationString(expiration: unknown): string | undefined {
	try {
		// toISOString throws on an invalid date. A string must be exactly what
		// it writes back, which refuses other spellings and dates that do not
		// exist (February 30); 24 characters keeps years to 0000–9999.
		const text = new Date(expiration as string).toISOString();
		return text.length === 24 && (expiration instanceof Date || text === expiration) ? text : undefined;
	} catch {
		return undefined;
	}
}

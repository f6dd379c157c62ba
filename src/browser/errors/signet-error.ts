import type { SignetErrorCode } from '../types/error-codes';

/**
 * The base of every error Signet gives you. `code` is stable and meant for
 * code; `message` is for people.
 *
 * @example
 * try {
 * 	await identifyUser(id, {}, {hash});
 * } catch (error) {
 * 	if (error instanceof SignetError) console.log(error.code);
 * }
 */
export class SignetError extends Error {
	override name = 'SignetError';
	/** What went wrong, for code to branch on; one of {@link SignetErrorCode}. */
	declare readonly code: SignetErrorCode;

	constructor(code: SignetErrorCode, message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.code = code;
	}
}

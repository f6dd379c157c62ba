import type { VerificationCode } from '../../shared/verification';
import type { InvalidArgumentCode } from './invalid-argument-error';

/**
 * Every `code` a `SignetError` can carry:
 * - `api_error`: the API answered with an error (`ApiError`, see `apiCode`);
 * - `network`: the API could not be reached or did not answer in time (`NetworkError`);
 * - `not_initialized`, `not_identified`: a call came too early (`NotInitializedError`);
 * - the `InvalidArgumentCode`s: an argument or option was refused before sending;
 * - the `VerificationCode`s: the API refused the identity (`IdentityVerificationError`);
 * - `refresh_failed`: `refreshIdentity` threw or rejected (the cause is chained);
 * - `unsupported_environment`: no browser and no `fetch` option (server-side rendering).
 *
 * @example
 * const retryable = (code: SignetErrorCode) => code === 'network';
 */
export type SignetErrorCode =
	| 'api_error'
	| 'network'
	| 'not_initialized'
	| 'not_identified'
	| InvalidArgumentCode
	| VerificationCode
	| 'refresh_failed'
	| 'unsupported_environment';

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

// The codes a SignetError carries, apart from the classes: each error class
// imports the codes it needs, and no error file imports another for a type.
import type { VerificationCode } from '../../shared/verification';

/** Which argument was refused. */
export type InvalidArgumentCode =
	| 'invalid_user_id'
	| 'invalid_metadata'
	| 'invalid_hash'
	| 'invalid_expiration'
	| 'invalid_token'
	| 'invalid_options'
	| 'unknown_method';

/**
 * Every `code` a `SignetError` can carry:
 * - `api_error`: the API answered with an error (`ApiError`, see `apiCode`);
 * - `network`: the API could not be reached or did not answer in time (`NetworkError`);
 * - `not_initialized`, `not_identified`: a call came too early (`NotInitializedError`);
 * - the `InvalidArgumentCode`s: an argument or option was refused before sending;
 * - the `VerificationCode`s: the API refused the identity (`IdentityVerificationError`);
 * - `identity_changed`: another tab ended the identity a queued call was for (`IdentityChangedError`);
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
	| 'identity_changed'
	| 'refresh_failed'
	| 'unsupported_environment';

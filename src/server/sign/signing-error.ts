/** Which argument of `signIdentity` or `signIdentityToken` was refused. */
export type SigningErrorCode =
	| 'invalid_user_id'
	| 'invalid_secret'
	| 'invalid_expiration'
	| 'invalid_encoding'
	| 'invalid_options'
	| 'invalid_attributes'
	| 'invalid_key_id'
	| 'invalid_audience'
	| 'token_too_large';

/**
 * `signIdentity` or `signIdentityToken` was called with something it cannot sign. It is a
 * `TypeError` (a programming error in the caller, not a runtime condition)
 * with a stable `code` for code and a `message` for people.
 *
 * @example
 * try {
 * 	signIdentity('', secret);
 * } catch (error) {
 * 	if (error instanceof SigningError) console.log(error.code); // 'invalid_user_id'
 * }
 */
export class SigningError extends TypeError {
	override name = 'SigningError' as const;
	readonly code: SigningErrorCode;

	constructor(code: SigningErrorCode, message: string) {
		super(message);
		this.code = code;
	}
}

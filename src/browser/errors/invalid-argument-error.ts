import { SignetError } from './signet-error';

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
 * A call was refused before anything was sent: an argument or an option is
 * malformed. Nothing of the call reached the network.
 *
 * @example
 * await identifyUser('') // rejects: InvalidArgumentError, code 'invalid_user_id'
 */
export class InvalidArgumentError extends SignetError {
	override name = 'InvalidArgumentError' as const;
	/** Which argument or option was refused. */
	declare readonly code: InvalidArgumentCode;
}

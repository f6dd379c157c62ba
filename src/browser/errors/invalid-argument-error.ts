import type { InvalidArgumentCode } from '../types/error-codes';
import { SignetError } from './signet-error';

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

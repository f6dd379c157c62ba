import { SignetError } from './signet-error';

/**
 * The API could not be reached, or did not answer in time, after every
 * retry. The call was not applied (or, if it was, a retry with the same
 * `messageId` will not apply it twice).
 *
 * @example
 * on('error', (error) => { if (error.code === 'network') showOfflineHint(); });
 */
export class NetworkError extends SignetError {
	override name = 'NetworkError' as const;
	declare readonly code: 'network';

	constructor(message: string) {
		super('network', message);
	}
}

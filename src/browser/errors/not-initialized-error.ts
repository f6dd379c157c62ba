import { SignetError } from './signet-error';

/**
 * A call needs `init()` first (code `not_initialized`), or `updateUser()` was
 * called before any user was identified (code `not_identified`).
 *
 * @example
 * await identifyUser('42') // before init: rejects with NotInitializedError
 */
export class NotInitializedError extends SignetError {
	override name = 'NotInitializedError' as const;
	/** `not_initialized` before `init()`, `not_identified` for `updateUser()` before any identify. */
	declare readonly code: 'not_initialized' | 'not_identified';

	constructor(code: 'not_initialized' | 'not_identified' = 'not_initialized', message = 'call init() first') {
		super(code, message);
	}
}

import { SignetError } from './signet-error';

/**
 * Another tab of this browser logged out or signed in a different user
 * while this call waited its turn (or its answer): it was not applied for
 * the user who is gone. The SDK is now anonymous; identify again if the
 * page still has a user.
 *
 * @example
 * on('logout', ({reason}) => reason === 'other_tab' && showSignedOut());
 */
export class IdentityChangedError extends SignetError {
	override name = 'IdentityChangedError' as const;
	declare readonly code: 'identity_changed';

	constructor() {
		super('identity_changed', 'another tab changed the user first');
	}
}

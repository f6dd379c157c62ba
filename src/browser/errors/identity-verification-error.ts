import type { VerificationCode } from '../../shared/verification';
import { SignetError } from './signet-error';

/**
 * The API refused the identity (HTTP 403), or the hash had already expired
 * and no `refreshIdentity` could renew it. The SDK carries on as the
 * anonymous visitor.
 *
 * @example
 * on('rejected', (error) => report(error.code)); // 'hash_invalid', …
 */
export class IdentityVerificationError extends SignetError {
	override name = 'IdentityVerificationError' as const;
	/** Why the identity was refused. */
	declare readonly code: VerificationCode;
	/**
	 * The signing mistake the API recognised, such as `user_id_whitespace`
	 * or `key_encoding` (the README's "Turning enforcement on safely"); `message` then says it in words.
	 * `undefined` when the API could not name one.
	 */
	declare readonly hint?: string;
}

import { SignetError } from './signet-error';

/** Why the API refused the identity. */
export type VerificationCode = 'hash_missing' | 'hash_invalid' | 'hash_expired';

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
	declare readonly code: VerificationCode;
}

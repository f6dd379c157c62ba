// What a verification code most likely means, in words a developer can act on.
import type { VerificationCode } from './shared/verification';

const CAUSES: Record<VerificationCode, string> = {
	hash_missing: 'no hash sent; sign the user id on your server',
	hash_invalid: 'hash signed with another key, user id or expiration',
	hash_expired: 'hash expired; sign a new one or pass refreshIdentity',
};

/**
 * The likely cause of a verification code, as a sentence fragment.
 *
 * @example
 * likelyCause('hash_expired') // 'hash expired; sign a new one or pass refreshIdentity'
 */
export function likelyCause(code: VerificationCode): string {
	return CAUSES[code];
}

/** The one warning for a refused identity (403, or expired before sending). */
export function rejectedWarning(code: VerificationCode): string {
	return `Signet: identity rejected, now anonymous (${code}: ${likelyCause(code)})`;
}

/** The one warning for monitor mode: accepted now, refused once enforcement is on. */
export function monitorWarning(code: VerificationCode): string {
	return `Signet: identity would be rejected once enforcement is on (${code}: ${likelyCause(code)})`;
}

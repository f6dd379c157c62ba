// What a verification code most likely means, in words a developer can act on.
import type { VerificationCode } from './errors/identity-verification-error';

const CAUSES: Record<VerificationCode, string> = {
	hash_missing: 'no hash was sent: sign the user id on your server with signIdentity and pass { hash }',
	hash_invalid: 'the hash does not match this user id: signed with another key, for another id, or with another expiration',
	hash_expired: 'the hash has expired: sign a new one, or give init() a refreshIdentity function',
};

/** The likely cause of a verification code, as a sentence fragment. */
export function likelyCause(code: VerificationCode): string {
	return CAUSES[code];
}

/** The one warning for a refused identity (403, or expired before sending). */
export function rejectedWarning(code: VerificationCode): string {
	return `Signet: identity rejected (${code}): ${likelyCause(code)}. Continuing as anonymous.`;
}

/** The one warning for monitor mode: accepted now, refused once enforcement is on. */
export function monitorWarning(code: VerificationCode): string {
	return `Signet: identity not verified (${code}): ${likelyCause(code)}. It would be rejected once enforcement is on.`;
}

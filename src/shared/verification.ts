// The verification codes, one definition for both sides: the browser's
// IdentityVerificationError and the server's verifyIdentity, answers and store.

/**
 * Why a signed identity was not accepted: no hash was sent, the hash does
 * not match (wrong key, user id or expiration), or it has expired; or the
 * identity token is not valid for this client and user, or has expired.
 *
 * @example
 * const code: VerificationCode = 'hash_invalid';
 */
export type VerificationCode = 'hash_missing' | 'hash_invalid' | 'hash_expired' | 'token_invalid' | 'token_expired';

/**
 * What the API found for an identify call: `ok`, or the code enforcement
 * refuses it with (in monitor mode it is accepted and reported).
 *
 * @example
 * const outcome: VerificationOutcome = verified ? 'ok' : 'hash_missing';
 */
export type VerificationOutcome = 'ok' | VerificationCode;

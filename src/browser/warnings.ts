// The console's words for a verification failure. The API says the likely
// cause in words (a 403's `message`, a monitor-mode answer's `message`,
// naming the mistake when it recognised one as `hint`), so the SDK ships no
// table of sentences: it prints the code, the hint, and what was said.
import type { VerificationCode } from '../shared/verification';

/**
 * The one warning for a verification failure: refused (403, or expired
 * before sending; `rejected` true) or, in monitor mode, accepted now but
 * refused once enforcement is on.
 *
 * @example
 * verificationWarning(true, 'hash_invalid', 'user_id_case', 'the hash was signed for the user id in another letter case: …')
 * // 'Signet: identity rejected, now anonymous (hash_invalid, user_id_case: the hash was signed …)'
 */
export function verificationWarning(rejected: boolean, code: VerificationCode, hint?: string, words?: string): string {
	return `Signet: identity ${rejected ? 'rejected, now anonymous' : 'would be rejected once enforcement is on'} (${code}${hint ? `, ${hint}` : ''}: ${words})`;
}

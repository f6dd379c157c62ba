// When to ask refreshIdentity for a new hash: shortly before the current
// one expires, early enough for a slow backend and a retry or two.

// setTimeout fires at once for delays over 2^31 - 1 ms (about 24.8 days).
const MAX_TIMER = 2_147_483_647;

/**
 * Milliseconds from `now` until the renewal of a hash expiring at
 * `expiration`: a fifth of the time left before it, at least 1 s and at
 * most 60 s early.
 *
 * @example
 * renewalDelay(Date.parse('2026-01-01T00:10:00Z'), Date.parse('2026-01-01T00:00:00Z')) // 540000
 */
export function renewalDelay(expiration: number, now: number): number {
	const left = expiration - now;
	const lead = Math.min(60_000, Math.max(1000, left / 5));
	return Math.min(MAX_TIMER, Math.max(0, left - lead));
}

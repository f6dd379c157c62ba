// Renewing a proof: when to ask refreshIdentity for a new hash (shortly
// before the current one expires, early enough for a slow backend and a
// retry or two), and the renewed call it answers.
import { SignetError } from './errors/signet-error';
import { expiredError, hasExpired } from './proof';
import type { InitOptions, IdentityProof } from './types/options';
import { checkIdentify, type IdentifyCall } from './validate';

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

/**
 * The call `old` with a fresh proof from `refresh`: an expired hash is
 * never sent, the customer's backend signs a new one. Rejects with
 * `hash_expired` (or `token_expired`) without `refresh` or when it answers
 * an expired proof, and with `refresh_failed` (the cause chained) when it
 * throws.
 *
 * @example
 * const fresh = hasExpired(call) ? await renewed(settings.refreshIdentity, call) : call;
 */
export async function renewed(refresh: InitOptions['refreshIdentity'], old: IdentifyCall): Promise<IdentifyCall> {
	if (!refresh) {
		throw expiredError(old);
	}

	let fresh: IdentityProof;
	try {
		fresh = await refresh({userId: old.userId});
	} catch (error) {
		throw new SignetError('refresh_failed', 'refreshIdentity failed', {cause: error});
	}

	// Checked as a new call: a hash and a token are built alike whichever came before.
	const call = checkIdentify(old.userId, old.metadata, fresh);
	if (hasExpired(call)) {
		throw expiredError(call);
	}

	return call;
}

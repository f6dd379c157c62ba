import {isPromise} from './maybe-promise';
import type {IdentityStore, MaybePromise} from './store';
import {errorReply, type Reply} from './reply';

/** One limit to count a call against: the store key (a `compoundKey` of what is limited), the most calls per window, and whom it limits (for the message). */
export type Limit = {key: string; max: number; who: string};

/**
 * Counts one call against each limit in the store's shared, aligned
 * windows (so every instance counts the same calls), and answers a 429
 * `rate_limited` with `Retry-After` (whole seconds until the window ends)
 * when any is over, or `undefined` when the call may go on: at once with
 * a synchronous store. A limit of `Infinity` is not counted at all.
 *
 * @example
 * const refused = await rateLimited(store, [{key: compoundKey('visitor', clientToken, anonymousId), max: 120, who: 'this visitor'}], 60_000, now);
 * if (refused !== undefined) return refused;
 */
export function rateLimited(store: IdentityStore, limits: Limit[], windowMs: number, now: Date): MaybePromise<Reply | undefined> {
	const counted = limits.filter((limit) => limit.max !== Number.POSITIVE_INFINITY);
	if (counted.length === 0) {
		return undefined;
	}

	const counting = store.countCalls(counted.map((limit) => limit.key), windowMs, now);
	// No continuation is made when the store answered at once.
	return isPromise(counting) ? counting.then((counts) => refusal(counted, counts, windowMs, now)) : refusal(counted, counting, windowMs, now);
}

function refusal(limits: Limit[], counts: number[], windowMs: number, now: Date): Reply | undefined {
	const over = limits.find((limit, index) => counts[index] > limit.max);
	if (over === undefined) {
		return undefined;
	}

	const retryAfter = Math.max(1, Math.ceil((windowMs - (now.getTime() % windowMs)) / 1000));
	const headers = {'Retry-After': String(retryAfter)};
	return errorReply(429, 'rate_limited', `too many calls ${over.who}: retry in ${retryAfter} s`, {headers});
}

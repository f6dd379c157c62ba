import {compoundKey} from '../store/compound-key';
import {isPromise} from '../store/maybe-promise';
import type {IdentityStore, MaybePromise} from '../store/store';
import {errorReply, type Reply} from './reply';

/** One limit to count a call against: the store key (a `compoundKey` of what is limited), the most calls per window, and whom it limits (for the message). */
export type Limit = {key: string; max: number; who: string; name: 'visitor' | 'ip' | 'user' | 'readiness'};

/**
 * Counts one call against each limit in turn, in the store's shared,
 * aligned windows (so every instance counts the same calls), and answers a
 * 429 `rate_limited` with `Retry-After` (whole seconds until the window
 * ends) at the first limit that is over, or `undefined` when the call may
 * go on: at once with a synchronous store. A limit is counted only when
 * those before it let the call go on, so a call refused by one makes no
 * counter for the next: put the broadest first (the address before the
 * visitor), and a flood of fresh visitor ids from one address makes no
 * counters once that address is over. A limit of `Infinity` is not
 * counted at all.
 *
 * One store call per limit: whether to count the next depends on the
 * count before it, which one `countCalls` cannot express. With MemoryStore
 * that costs nothing (it answers at once); a database store shares its
 * count statements among the calls that arrive together, so the second
 * count of one call rides in the statement of others' first: about as many
 * statements, and a wait more for each call.
 *
 * @example
 * const refused = await rateLimited(store, [{key: compoundKey('visitor', clientToken, anonymousId), max: 120, who: 'this visitor', name: 'visitor'}], 60_000, now);
 * if (refused !== undefined) return refused;
 */
export function rateLimited(store: IdentityStore, limits: Limit[], windowMs: number, now: Date): MaybePromise<Reply | undefined> {
	return countFrom(store, limits, 0, windowMs, now);
}

function countFrom(store: IdentityStore, limits: Limit[], index: number, windowMs: number, now: Date): MaybePromise<Reply | undefined> {
	let limit = limits[index];
	while (limit !== undefined && limit.max === Number.POSITIVE_INFINITY) {
		limit = limits[++index];
	}

	if (limit === undefined) {
		return undefined;
	}

	const counting = store.countCalls([limit.key], windowMs, now);
	// No continuation is made when the store answered at once.
	return isPromise(counting) ? counting.then((counts) => counted(store, limits, index, counts[0], windowMs, now)) : counted(store, limits, index, counting[0], windowMs, now);
}

// The limit at `index` counted `count`: refused, or on to the next limit.
function counted(store: IdentityStore, limits: Limit[], index: number, count: number, windowMs: number, now: Date): MaybePromise<Reply | undefined> {
	const limit = limits[index];
	return count > limit.max ? refusal(limit, windowMs, now) : countFrom(store, limits, index + 1, windowMs, now);
}

/**
 * The limits an identify, update or logout call is counted against: the
 * address's (when known) before the visitor's. A limit of Infinity is left
 * out, as rateLimited would skip it, since a store's claimAndCount counts
 * every limit it is given.
 *
 * @example
 * const limits = callLimits({max: 120, perIp: 1_200}, clientToken, anonymousId, '203.0.113.7'); // [address, visitor]
 */
export function callLimits(rateLimit: {max: number; perIp: number}, clientToken: string, anonymousId: string, clientIp: string | undefined): Limit[] {
	const limits: Limit[] = [];
	if (clientIp !== undefined && rateLimit.perIp !== Number.POSITIVE_INFINITY) {
		limits.push({key: compoundKey('ip', clientIp), max: rateLimit.perIp, who: 'from this address', name: 'ip'});
	}

	if (rateLimit.max !== Number.POSITIVE_INFINITY) {
		limits.push({key: compoundKey('visitor', clientToken, anonymousId), max: rateLimit.max, who: 'from this visitor', name: 'visitor'});
	}

	return limits;
}

/**
 * The 429 of the first limit whose count is over its max, or `undefined`:
 * for counts a store made already, one per limit in turn up to the first
 * over (see `IdentityStore.claimAndCount`), as {@link rateLimited} answers.
 *
 * @example
 * const refused = refusedBy(limits, [14, 3], 60_000, now); // undefined: both within their max
 */
export function refusedBy(limits: Limit[], counts: number[], windowMs: number, now: Date): Reply | undefined {
	const over = limits.findIndex((limit, index) => counts[index] > limit.max);
	return over === -1 ? undefined : refusal(limits[over], windowMs, now);
}

function refusal(over: Limit, windowMs: number, now: Date): Reply {
	const retryAfter = Math.max(1, Math.ceil((windowMs - (now.getTime() % windowMs)) / 1000));
	const headers = {'Retry-After': String(retryAfter)};
	const reply = errorReply(429, 'rate_limited', `too many calls ${over.who}: retry in ${retryAfter} s`, {headers});
	reply.meta = {limit: over.name};
	return reply;
}

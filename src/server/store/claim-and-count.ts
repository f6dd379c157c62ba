/**
 * A claim of one call's remembered answer, as `IdentityStore.claimReply`
 * and `claimAndCount` take it: the call's key and the fingerprint of its
 * content, now, when the answer may be forgotten, and the time before which
 * a claim still running is taken to be abandoned.
 *
 * @example
 * const claim: ReplyClaim = {key, fingerprint, now, expiresAt: new Date(now.getTime() + 86_400_000), staleBefore: new Date(now.getTime() - 30_000)};
 */
export type ReplyClaim = {key: string; fingerprint: string; now: Date; expiresAt: Date; staleBefore: Date};

/**
 * The rate limits a claimed call is counted against, as
 * `IdentityStore.claimAndCount` takes them: each limit's store key
 * and most calls per window, broadest first, counted in turn in the fixed
 * window of `windowMs` that holds `now` (as `countCalls` counts).
 *
 * @example
 * const count: CallCount = {limits: [{key: addressKey, max: 600}, {key: visitorKey, max: 120}], windowMs: 60_000, now};
 */
export type CallCount = {limits: Array<{key: string; max: number}>; windowMs: number; now: Date};

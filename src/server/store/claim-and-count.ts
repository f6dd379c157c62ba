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


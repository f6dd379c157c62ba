/**
 * The clock skew the API allows on expirations when none is given, in seconds.
 *
 * @example
 * verifyIdentity(input, secrets, {clockSkewSeconds: DEFAULT_CLOCK_SKEW_SECONDS * 2});
 */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

/**
 * The `now` and `clockSkewSeconds` options of the verifiers, checked and
 * with their defaults. A wrong one is the caller's mistake: `TypeError`.
 *
 * @example
 * clockOptions({}) // {now: new Date(), clockSkewSeconds: 60}
 * clockOptions({clockSkewSeconds: -1}) // throws TypeError
 */
export function clockOptions(options: {now?: Date; clockSkewSeconds?: number} | undefined): {now: Date; clockSkewSeconds: number} {
	const {now = new Date(), clockSkewSeconds = DEFAULT_CLOCK_SKEW_SECONDS} = options ?? {};
	if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
		throw new TypeError('options.now must be a valid Date');
	}

	if (typeof clockSkewSeconds !== 'number' || !Number.isFinite(clockSkewSeconds) || clockSkewSeconds < 0) {
		throw new TypeError('options.clockSkewSeconds must be a finite number of seconds, 0 or more');
	}

	return {now, clockSkewSeconds};
}

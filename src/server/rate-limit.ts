/** Whether a call may go ahead, and if not, in how many whole seconds it may. */
export type RateDecision = {ok: true} | {ok: false; retryAfterSeconds: number};

/** Most keys tracked at once; past it the oldest windows are dropped (those visitors start afresh). */
const MAX_KEYS = 100_000;

/**
 * A fixed-window counter per key (the handler uses client token and
 * anonymous id). Memory stays bounded: windows that have ended are dropped
 * as new ones start, and at most `maxKeys` keys are kept.
 *
 * @example
 * const limiter = new RateLimiter(120, 60_000);
 * const decision = limiter.take('ct_demo\u0000anon-1', Date.now());
 * if (!decision.ok) return tooMany(decision.retryAfterSeconds);
 */
export class RateLimiter {
	readonly #max: number;
	readonly #windowMs: number;
	readonly #maxKeys: number;
	readonly #windows = new Map<string, {start: number; count: number}>();

	/** `maxKeys` @default 100_000 */
	constructor(max: number, windowMs: number, maxKeys = MAX_KEYS) {
		this.#max = max;
		this.#windowMs = windowMs;
		this.#maxKeys = maxKeys;
	}

	/** Counts one call for `key` at time `nowMs`. */
	take(key: string, nowMs: number): RateDecision {
		let window = this.#windows.get(key);
		// A clock that went back also starts a new window, rather than locking a visitor out.
		if (window === undefined || nowMs >= window.start + this.#windowMs || nowMs < window.start) {
			this.#windows.delete(key);
			window = {start: nowMs, count: 0};
			this.#windows.set(key, window);
		}

		this.#sweep(nowMs);

		if (window.count >= this.#max) {
			return {ok: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.#windowMs - nowMs) / 1000))};
		}

		window.count++;
		return {ok: true};
	}

	/** How many keys are tracked: for tests of the memory bound. */
	get size(): number {
		return this.#windows.size;
	}

	// A new window is always added last, so the Map is ordered by window
	// start: ended windows are at the front, and the loop stops at the first
	// live one. Each window is dropped once, so this is O(1) per call on average.
	#sweep(nowMs: number): void {
		for (const [key, window] of this.#windows) {
			if (nowMs < window.start + this.#windowMs && this.#windows.size <= this.#maxKeys) {
				break;
			}

			this.#windows.delete(key);
		}
	}
}

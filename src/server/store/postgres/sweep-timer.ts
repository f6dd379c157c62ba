/**
 * Runs `sweep` every `intervalMs` on an unref'd timer (the timer alone
 * never keeps a process alive), one sweep at a time: a tick that finds the
 * last one still running skips. A failed sweep goes to `onError`, and the
 * next tick tries again. No timer for an interval of 0 (you then sweep
 * yourself); clear the timer it answers with `clearInterval`.
 *
 * @example
 * const timer = sweepTimer(60_000, (now) => store.sweep(now), () => new Date(), (error) => log.warn(error));
 * clearInterval(timer); // on close
 */
export function sweepTimer(
	intervalMs: number,
	sweep: (now: Date) => Promise<void>,
	now: () => Date,
	onError: ((error: unknown) => void) | undefined,
): ReturnType<typeof setInterval> | undefined {
	if (!(intervalMs > 0)) {
		return undefined;
	}

	let sweeping = false;
	const timer = setInterval(() => {
		if (sweeping) {
			return;
		}

		sweeping = true;
		sweep(now())
			.catch((error: unknown) => onError?.(error))
			.finally(() => {
				sweeping = false;
			});
	}, intervalMs);
	timer.unref();
	return timer;
}

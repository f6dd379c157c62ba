/** Waits, in bounded steps, until `check()` is true; throws `what` when it never becomes so. */
export async function until(check: () => boolean | Promise<boolean>, what: string, {timeoutMs = 8000, stepMs = 20} = {}): Promise<void> {
	for (let waited = 0; waited <= timeoutMs; waited += stepMs) {
		if (await check()) {
			return;
		}

		await sleep(stepMs);
	}

	throw new Error(`timed out waiting until ${what}`);
}

/** Lets time pass: to give something that must NOT happen its chance to. */
export function sleep(ms: number): Promise<void> {
	return new Promise((done) => setTimeout(done, ms));
}

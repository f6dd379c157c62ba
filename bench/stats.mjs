// Small statistics, CDP and timeout helpers shared by the measurements.

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rounds to `digits` decimals, for the table and results.json. */
export const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The renderer's accumulated main-thread counters (CDP Performance domain),
 * in milliseconds: TaskDuration (all main-thread work) and ScriptDuration
 * (JavaScript, compile included).
 */
export async function mainThread(cdp) {
	const {metrics} = await cdp.send('Performance.getMetrics');
	const value = (name) => (metrics.find((metric) => metric.name === name)?.value ?? 0) * 1000;
	return {task: value('TaskDuration'), script: value('ScriptDuration')};
}

/** What happened on the main thread between two `mainThread()` readings. */
export const spent = (before, after) => ({task: after.task - before.task, script: after.script - before.script});

/** `promise`, or a rejection naming `what` after `ms`: a stuck page fails the bench instead of hanging it. */
export function within(promise, what, ms = 30_000) {
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`bench: ${what} did not happen within ${ms / 1000} s`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

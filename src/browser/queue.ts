/** Adds a task to a serial queue; answers what the task answers, once it has run. */
export type Enqueue = <T>(task: () => Promise<T> | T) => Promise<T>;

/**
 * Runs tasks one after another in the order they were added, so a later
 * identify never overtakes an earlier one. A failing task does not stop
 * the ones behind it.
 *
 * @example
 * const enqueue = serialQueue();
 * enqueue(() => send(first));
 * enqueue(() => send(second)); // starts once the first has settled
 */
export function serialQueue(): Enqueue {
	let tail: Promise<unknown> = Promise.resolve();
	return (task) => {
		const run = tail.then(task);
		tail = run.catch(() => {});
		return run;
	};
}

/**
 * Runs tasks one after another in the order they were added, so a later
 * identify never overtakes an earlier one. A failing task does not stop
 * the ones behind it.
 *
 * @example
 * queue.add(() => send(first));
 * queue.add(() => send(second)); // starts once the first has settled
 */
export class SerialQueue {
	#tail: Promise<unknown> = Promise.resolve();

	add<T>(task: () => Promise<T> | T): Promise<T> {
		const run = this.#tail.then(task);
		this.#tail = run.then(
			() => undefined,
			() => undefined,
		);
		return run;
	}
}

/**
 * The promise, marked handled: the caller may never look at it, and its
 * rejection must not surface as an unhandled rejection in the host page.
 *
 * @example
 * return handled(enqueue(() => run(checked)));
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
	promise.catch(() => {});
	return promise;
}

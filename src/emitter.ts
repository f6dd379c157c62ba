// Events for the host page. A handler that throws is reported, never
// allowed to break the SDK or the other handlers.
import type { SignetEvent, SignetEvents } from './types/identity';

type Handler = (payload: any) => void;

/**
 * A tiny typed event emitter.
 *
 * @example
 * const off = events.on('rejected', (error) => report(error.code));
 * events.emit('rejected', error);
 */
export class Emitter {
	readonly #handlers: Record<string, Handler[]> = {};

	/** Calls `handler` on each `event`; answers the function that stops it. */
	on<E extends SignetEvent>(event: E, handler: (payload: SignetEvents[E]) => void): () => void {
		// A wrapper of its own, so one function subscribed twice is removed once per unsubscribe.
		const entry: Handler = (payload) => handler(payload);
		(this.#handlers[event] ??= []).push(entry);
		return () => {
			this.#handlers[event] = this.#handlers[event]!.filter((other) => other !== entry);
		};
	}

	emit<E extends SignetEvent>(event: E, payload: SignetEvents[E]): void {
		for (const handler of this.#handlers[event] ?? []) {
			try {
				handler(payload);
			} catch (error) {
				console.error(`Signet: a "${event}" handler threw`, error);
			}
		}
	}
}

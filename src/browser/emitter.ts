// Events for the host page. A handler that throws is reported, never
// allowed to break the SDK or the other handlers.
import type { SignetEvent, SignetEvents } from './types/identity';

type Handler = (payload: any) => void;

/** What `createEmitter` answers: subscribe with `on`, notify with `emit`. */
export type Emitter = {
	/** Calls `handler` on each `event`; answers the function that stops it. */
	on<E extends SignetEvent>(event: E, handler: (payload: SignetEvents[E]) => void): () => void;
	emit<E extends SignetEvent>(event: E, payload: SignetEvents[E]): void;
};

/**
 * A tiny typed event emitter.
 *
 * @example
 * const events = createEmitter();
 * const off = events.on('rejected', (error) => report(error.code));
 * events.emit('rejected', error);
 */
export function createEmitter(): Emitter {
	// A wrapper of its own per subscription, so one function subscribed
	// twice is removed once per unsubscribe. Lists are replaced, never
	// changed, so an emit goes through the handlers it started with.
	const handlers: Record<string, Handler[]> = {};
	return {
		on(event, handler) {
			const entry: Handler = (payload) => handler(payload);
			handlers[event] = [...(handlers[event] ?? []), entry];
			return () => {
				handlers[event] = handlers[event]!.filter((other) => other !== entry);
			};
		},
		emit(event, payload) {
			for (const handler of handlers[event] ?? []) {
				try {
					handler(payload);
				} catch (error) {
					console.error(`Signet: a "${event}" handler threw`, error);
				}
			}
		},
	};
}

import type {Client} from '../config/client';
import type {Variables} from '../config/types';
import type {MaybePromise} from '../store/store';

/**
 * The variables of a verified user, from the client's `variables` callback
 * (`{}` without one). An answer that is not a plain object is the
 * callback's bug: it throws, and the handler answers 500 and logs it,
 * rather than sending the page something it cannot use.
 *
 * @example
 * const variables = await variablesFor(client, '42'); // {plan: 'pro'}
 */
export function variablesFor(client: Client, userId: string): MaybePromise<Variables> {
	if (client.variables === undefined) {
		return {};
	}

	const answer = client.variables(userId);
	// A promise (or any thenable) from the callback is awaited; a plain object is used at once.
	return typeof (answer as PromiseLike<Variables> | null)?.then === 'function'
		? Promise.resolve(answer).then((variables) => checked(client, variables))
		: checked(client, answer as Variables);
}

function checked(client: Client, answer: Variables | undefined | null): Variables {
	const variables = answer ?? {};
	if (typeof variables !== 'object' || Array.isArray(variables)) {
		throw new TypeError(`clients[${JSON.stringify(client.token)}].variables must answer an object (or a promise of one)`);
	}

	// Serialised once here, before anything is written: a BigInt or a cycle
	// fails the call now instead of after the user's record was updated.
	JSON.stringify(variables);
	return variables;
}

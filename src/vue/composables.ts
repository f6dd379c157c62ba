// The composables read what the plugin provided; each identity value is a
// computed ref over the one identity state, so templates update with it.
import { computed, inject, type ComputedRef } from 'vue';
import type { Client, IdentityState, IdentityStatus, SignetError, Widen } from 'signet-js';
import { SIGNET_KEY, type SignetContext } from './context';

function context(): SignetContext {
	const found = inject(SIGNET_KEY, null);
	if (!found) {
		throw new Error('Signet: useSignet(), useIdentity() and useVariable() need app.use(Signet, options) first');
	}

	return found;
}

/**
 * The app's client, for `identifyUser`, `updateUser`, `logout`…
 * Throws when the plugin is not installed.
 *
 * @example
 * const signet = useSignet();
 * await signet.identifyUser(user.id, {plan: user.plan}, {hash});
 */
export function useSignet(): Client {
	return context().client;
}

/** What {@link useIdentity} answers: reactive views of the identity state. */
export type IdentityRefs = {
	/** `anonymous`, `pending`, `verified`, `unverified` or `rejected`. */
	state: ComputedRef<IdentityStatus>;
	/** The user Signet talks for, or `null`. */
	userId: ComputedRef<string | null>;
	/** `true` while the API has accepted the user's hash. */
	verified: ComputedRef<boolean>;
	/** The whole state (`{status, userId, anonymousId, error}`). */
	identity: ComputedRef<IdentityState>;
	/** What went wrong with the last call, or `null`. */
	error: ComputedRef<SignetError | null>;
};

/**
 * The identity as computed refs; the server renders `anonymous`.
 *
 * @example
 * const {verified, userId} = useIdentity();
 */
export function useIdentity(): IdentityRefs {
	const {identity} = context();
	return {
		state: computed(() => identity.value.status),
		userId: computed(() => identity.value.userId),
		verified: computed(() => identity.value.status === 'verified'),
		identity: computed(() => identity.value),
		error: computed(() => identity.value.error),
	};
}

/**
 * A personalised variable of the verified user, else `fallback`, typed as
 * the fallback (widened); recomputed when the identity changes.
 *
 * @example
 * const greeting = useVariable('greeting', 'Welcome!'); // ComputedRef<string>
 */
export function useVariable<T>(name: string, fallback: T): ComputedRef<Widen<T>> {
	const {client, identity} = context();
	// Only a verified identity has variables, and they change only with it:
	// reading the state here is what makes the ref follow it.
	return computed(() => (identity.value.status === 'verified' ? client.getVariable(name, fallback) : (fallback as Widen<T>)));
}

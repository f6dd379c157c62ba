// The hooks read the provider's client. useIdentity goes through
// useSyncExternalStore, so every component of one render sees the same
// state (no tearing) and the server renders the anonymous one.
import { useCallback, useContext, useRef, useSyncExternalStore } from 'react';
import type { Client, IdentityState, Widen } from 'signet-js';
import { SignetContext } from './context';

// What the server renders, and the first render in the browser (hydration).
const SERVER_STATE: IdentityState = Object.freeze({status: 'anonymous', userId: null, anonymousId: '', error: null});

const same = (a: IdentityState, b: IdentityState) => a.status === b.status && a.userId === b.userId && a.anonymousId === b.anonymousId && a.error === b.error;

/**
 * The provider's client, for `identifyUser`, `updateUser`, `logout`…
 * Throws when there is no `<SignetProvider>` above.
 *
 * @example
 * const signet = useSignet();
 * await signet.identifyUser(user.id, {plan: user.plan}, {hash});
 */
export function useSignet(): Client {
	const client = useContext(SignetContext);
	if (!client) {
		throw new Error('Signet: useSignet(), useIdentity() and useVariable() need a <SignetProvider> above them');
	}

	return client;
}

/**
 * The identity state (`{status, userId, anonymousId, error}`); the
 * component re-renders when it changes. The server renders `anonymous`.
 *
 * @example
 * const {status} = useIdentity();
 * if (status === 'verified') return <Checklist />;
 */
export function useIdentity(): IdentityState {
	const client = useSignet();
	const last = useRef<IdentityState>(SERVER_STATE);
	const subscribe = useCallback((changed: () => void) => client.on('change', changed), [client]);
	// The same object while nothing changed, as useSyncExternalStore requires.
	const snapshot = useCallback(() => {
		const current = client.getIdentity();
		if (!same(current, last.current)) {
			last.current = current;
		}

		return last.current;
	}, [client]);
	return useSyncExternalStore(subscribe, snapshot, () => SERVER_STATE);
}

/**
 * A personalised variable of the verified user, else `fallback`, typed
 * as the fallback (widened); re-renders when the identity changes.
 *
 * @example
 * const greeting = useVariable('greeting', 'Welcome!'); // string
 */
export function useVariable<T>(name: string, fallback: T): Widen<T> {
	const client = useSignet();
	// The variables change only with the identity: re-read them when it does.
	useIdentity();
	return client.getVariable(name, fallback);
}

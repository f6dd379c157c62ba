// The named exports act on one shared client, made on first use: importing
// the package creates nothing and touches no global.
import { createClient } from './client';
import type { Client, Widen } from './types/client';
import type { IdentityResult, IdentityState, SignetEvent, SignetEvents } from './types/identity';
import type { InitOptions, Metadata, IdentityProof } from './types/options';

let shared: Client | undefined;

const client = () => (shared ??= createClient());

/**
 * Sets Signet up for this page. With `user`, identifies that user as well.
 * Rejects with `InvalidArgumentError` for bad options, and refuses any
 * option named like a private key.
 *
 * @example
 * await init({ clientToken: 'ct_live_123', apiHost: 'https://api.example.com' });
 */
export function init(options: InitOptions): Promise<void> {
	return client().init(options);
}

/**
 * Identifies the logged-in user with the hash your server signed. Resolves
 * with what the API said; rejects with `IdentityVerificationError` when it
 * refused the hash (Signet then carries on as the anonymous visitor).
 *
 * @example
 * const {verified, variables} = await identifyUser('42', { plan: 'pro' }, { hash });
 */
export function identifyUser(userId: string | number, metadata?: Metadata, verification?: IdentityProof): Promise<IdentityResult> {
	return client().identifyUser(userId, metadata, verification);
}

/**
 * Changes the identified user's metadata, without a new hash.
 *
 * @example
 * await updateUser({ plan: 'enterprise' });
 */
export function updateUser(metadata: Metadata): Promise<IdentityResult> {
	return client().updateUser(metadata);
}

/**
 * Forgets the user, revokes the session and starts a new anonymous id.
 *
 * @example
 * await logout();
 */
export function logout(): Promise<void> {
	return client().logout();
}

/**
 * Who the SDK is talking for: status, user id, anonymous id, last error.
 *
 * @example
 * if (getIdentity().status === 'verified') showPersonalisedWidgets();
 */
export function getIdentity(): IdentityState {
	return client().getIdentity();
}

/**
 * This browser's anonymous visitor id ('' before `init()`).
 *
 * @example
 * const visitor = getAnonymousId();
 */
export function getAnonymousId(): string {
	return client().getAnonymousId();
}

/**
 * A personalised variable of the verified user, else `fallback`.
 *
 * @example
 * const greeting = getVariable('greeting', 'Welcome!');
 */
export function getVariable<T>(name: string, fallback: T): Widen<T> {
	return client().getVariable(name, fallback);
}

/**
 * Listens to an event; returns the function that stops listening.
 *
 * @example
 * const off = on('rejected', (error) => console.log(error.code));
 */
export function on<E extends SignetEvent>(event: E, handler: (payload: SignetEvents[E]) => void): () => void {
	return client().on(event, handler);
}

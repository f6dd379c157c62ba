// What the plugin provides to the app: the client, and its identity state
// as a ref the composables read.
import type { InjectionKey, ShallowRef } from 'vue';
import type { Client, IdentityState } from 'signet-js';

/** The client and its identity state, provided by the plugin. */
export type SignetContext = {client: Client; identity: Readonly<ShallowRef<IdentityState>>};

/** Where the plugin provides {@link SignetContext}. */
export const SIGNET_KEY: InjectionKey<SignetContext> = Symbol('signet');

/** What the server renders, and the state before the client starts. */
export const SERVER_STATE: IdentityState = Object.freeze({status: 'anonymous', userId: null, anonymousId: '', error: null});

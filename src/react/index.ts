// signet-js/react: the public surface of the React bindings, name by name.
// React (≥ 18) is an optional peer dependency; the core never imports this.
/**
 * React bindings: `SignetProvider` and the hooks `useSignet`, `useIdentity` and `useVariable`.
 *
 * @module signet-js/react
 */
export { SignetProvider, type SignetProviderProps } from './provider';
export { useIdentity, useSignet, useVariable } from './hooks';

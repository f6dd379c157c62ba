// signet-js/vue: the public surface of the Vue bindings, name by name.
// Vue (≥ 3.3) is an optional peer dependency; the core never imports this.
/**
 * Vue bindings: the `Signet` plugin and the composables `useSignet`, `useIdentity` and `useVariable`.
 *
 * @module signet-js/vue
 */
export { Signet, type SignetPluginOptions } from './plugin';
export { useIdentity, useSignet, useVariable, type IdentityRefs } from './composables';

// The Vue plugin: one client for the app, started only in a browser, so
// server-side rendering (Nuxt) never touches `window` or the network.
import { shallowRef, type App } from 'vue';
import { createClient, type Client, type InitOptions } from 'signet-js';
import { SERVER_STATE, SIGNET_KEY } from './context';

/** Options of `app.use(Signet, …)`: the client's `InitOptions`, or `{client}` to share one you made and started. */
export type SignetPluginOptions = InitOptions | {client: Client};

/**
 * Makes one Signet client for the app (or shares `client`) and, in a
 * browser, starts it with `init(options)`. Under server-side rendering
 * nothing starts: the app renders the anonymous state and the fallbacks.
 *
 * @example
 * createApp(App).use(Signet, {clientToken: 'ct_live_123', apiHost: 'https://api.example.com'}).mount('#app');
 */
export const Signet = {
	/** What `app.use(Signet, options)` calls: provides one client (yours, or one made from `options`) and its reactive identity to every component. */
	install(app: App, options: SignetPluginOptions): void {
		const shared = 'client' in options ? options.client : undefined;
		const client = shared ?? createClient();
		const identity = shallowRef(SERVER_STATE);
		if (typeof window !== 'undefined') {
			client.on('change', (state) => (identity.value = state));
			if (!shared) {
				// A failure is in the identity state and the events, not here.
				client.init(options as InitOptions).catch(() => {});
			}

			identity.value = client.getIdentity();
		}

		app.provide(SIGNET_KEY, {client, identity});
	},
};

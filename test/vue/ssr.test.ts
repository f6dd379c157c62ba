// signet-js/vue under server-side rendering (Nuxt): rendered in Node, where
// no `window` exists, the app shows the anonymous state and the fallbacks,
// and nothing reaches the network.
import {createSSRApp, defineComponent, h} from 'vue';
import {renderToString} from 'vue/server-renderer';
import {afterEach, expect, it, vi} from 'vitest';
import {Signet, useIdentity, useVariable} from '../../src/vue/index';

afterEach(() => {
	vi.restoreAllMocks();
});

const Status = defineComponent({
	setup() {
		const {state, userId, verified} = useIdentity();
		const greeting = useVariable('greeting', 'Welcome!');
		return () => h('p', `${state.value} ${userId.value ?? '-'} ${verified.value} ${greeting.value}`);
	},
});

it('renders the anonymous state and the fallback on the server, touching neither window nor the network', async () => {
	expect(typeof window).toBe('undefined');
	const fetched = vi.spyOn(globalThis, 'fetch');
	const app = createSSRApp(Status).use(Signet, {clientToken: 'ct_ssr', apiHost: 'https://api.example.com', user: {id: 'u1', hash: 'ab'.repeat(32)}});

	expect(await renderToString(app)).toBe('<p>anonymous - false Welcome!</p>');
	expect(fetched).not.toHaveBeenCalled();
});

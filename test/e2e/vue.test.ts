// signet-js/vue in Chromium: a tiny Vue app, bundled by esbuild from the
// built files (dist/vue.mjs, dist/signet.mjs) as a customer's bundler
// would, against the reference API. A verified user shows the variable; a
// refused hash (403) shows the fallback and throws nothing into the page.
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {beforeAll, expect, it} from 'vitest';
import {describeBrowser, useBrowser} from './support/browser';
import {sign, WRONG_SECRET} from './support/secrets';
import {useStack} from './support/stack';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// The app calls identifyUser without a catch: a refusal must still not surface as an unhandled rejection.
const APP = `
import {createApp, defineComponent, h} from 'vue';
import {Signet, useIdentity, useSignet, useVariable} from 'signet-js/vue';

const Status = defineComponent({
	setup() {
		const signet = useSignet();
		const {state, userId, verified} = useIdentity();
		const greeting = useVariable('greeting', 'Welcome!');
		window.identify = (id, hash) => { signet.identifyUser(id, {plan: 'pro'}, {hash}); };
		return () => h('p', {id: 'status'}, state.value + ' ' + (userId.value ?? '-') + ' ' + verified.value + ' ' + greeting.value);
	},
});

createApp(Status).use(Signet, {clientToken: 'ct_enforce', apiHost: window.API_HOST}).mount('#app');
`;

describeBrowser('signet-js/vue in Chromium', () => {
	const browser = useBrowser();
	const stack = useStack();
	let bundle: string;

	beforeAll(async () => {
		const built = await build({
			stdin: {contents: APP, resolveDir: ROOT, loader: 'js'},
			bundle: true,
			format: 'esm',
			platform: 'browser',
			write: false,
			logLevel: 'silent',
			define: {'process.env.NODE_ENV': '"production"', __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false'},
			plugins: [
				{
					// The package's own entries resolve to what the build wrote, as an installed signet-js would.
					name: 'signet-js-from-dist',
					setup(plugin) {
						plugin.onResolve({filter: /^signet-js(\/vue)?$/}, ({path}) => ({path: `${ROOT}dist/${path === 'signet-js' ? 'signet' : 'vue'}.mjs`}));
					},
				},
			],
		});
		bundle = built.outputFiles[0]!.text;
	});

	async function app() {
		const {pages, api} = stack;
		pages.file('/vue-app.js', bundle, 'text/javascript; charset=utf-8');
		const html = `<!doctype html><html><head><meta charset="utf-8"><script>window.API_HOST = ${JSON.stringify(api.url)};</script></head><body><div id="app"></div><script type="module" src="/vue-app.js"></script></body></html>`;
		const watched = await browser.page(pages.page('/vue.html', html));
		await watched.page.waitForSelector('#status');
		return watched;
	}

	const status = (page: Awaited<ReturnType<typeof app>>['page']) => page.textContent('#status');

	it('shows anonymous and the fallback, then verified and the variable once the user is identified', async () => {
		const {page, requests} = await app();
		expect(await status(page)).toBe('anonymous - false Welcome!');
		expect(requests.some(({url}) => url.includes('/dist/'))).toBe(false);

		await page.evaluate((hash) => (window as any).identify('vue1', hash), sign('vue1').hash);
		await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'verified vue1 true hi vue1');
		expect(stack.api.count('POST', '/v1/identify')).toBe(1);
	});

	it('shows the fallback for a refused hash (403) and throws nothing into the page', async () => {
		const {page, pageErrors} = await app();
		await page.evaluate((hash) => (window as any).identify('vue2', hash), sign('vue2', {secret: WRONG_SECRET}).hash);
		await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('rejected'));

		expect(await status(page)).toBe('rejected - false Welcome!');
		expect(pageErrors).toEqual([]);
		// useBrowser's check after the test also fails on any unhandled rejection.
	});
});

// The React page of examples/react, bundled from TSX with esbuild against
// the built files (dist/react.mjs and dist/signet.mjs), in Chromium, with
// a user logged in on the page server: identify → verified with the
// variable shown; a tampered hash → rejected, the fallbacks shown; and the
// signing endpoint signs the logged-in user only, whatever the page asks.
import {build} from 'esbuild';
import {expect, it, vi} from 'vitest';
import {describeBrowser, useBrowser} from './support/browser';
import {logIn, useStack} from './support/stack';

const DIST = new URL('../../dist/', import.meta.url).pathname;

async function bundle(): Promise<string> {
	const result = await build({
		entryPoints: [new URL('../../examples/react/app.tsx', import.meta.url).pathname],
		bundle: true,
		write: false,
		format: 'esm',
		jsx: 'automatic',
		define: {'process.env.NODE_ENV': '"production"'},
		alias: {'signet-js/react': `${DIST}react.mjs`, 'signet-js': `${DIST}signet.mjs`},
		logLevel: 'error',
	});
	return result.outputFiles[0]!.text;
}

describeBrowser('React page', () => {
	const browser = useBrowser();
	const stack = useStack();

	/** Opens the React page at `query`, logged in on the page server as `user` (or nobody). */
	async function open(query: string, user: string | undefined) {
		const {pages, api} = stack;
		pages.file('/react.js', await bundle(), 'text/javascript; charset=utf-8');
		const html = `<!doctype html><html><head><meta charset="utf-8">
<meta name="signet-client-token" content="ct_enforce"><meta name="signet-api-host" content="${api.url}"><meta name="signet-sign-url" content="/sign">
</head><body><div id="root"></div><script type="module" src="/react.js"></script></body></html>`;
		const watched = await browser.page();
		if (user !== undefined) {
			await logIn(watched.context, pages, user);
		}

		await watched.page.goto(`${pages.page('/react.html', html)}${query}`);
		return watched;
	}

	const texts = (page: any) => page.evaluate(() => ['status', 'greeting', 'plan', 'error'].map((id) => document.getElementById(id)?.textContent ?? null));

	it('identifies the logged-in user and shows the verified greeting and plan', async () => {
		const {page} = await open('', '51');
		await page.waitForFunction(() => document.getElementById('status')?.textContent === 'verified');
		expect(await texts(page)).toEqual(['verified', 'hi 51', 'pro', null]);
	});

	it('does not let the address name another user: ?userId= gets only the logged-in user verified', async () => {
		const {api, pages} = stack;
		const {page, requests} = await open('?userId=mallory', '53');
		await page.waitForFunction(() => document.getElementById('status')?.textContent === 'verified');
		expect(await texts(page)).toEqual(['verified', 'hi 53', 'pro', null]);
		expect(api.calls.filter(({path}) => path === '/v1/identify').map(({body}) => body.userId)).toEqual(['53']);
		// The page asks its backend without naming anyone: a copy of it needs no endpoint that signs what it is told.
		const asks = requests.filter(({url}) => new URL(url).pathname === '/sign').map(({url}) => new URL(url).search);
		expect(asks).toEqual(['']);
		expect(pages.count('/sign')).toBe(1);
	});

	it('gives the page no signature for an id it names: the signing endpoint signs the session user only', async () => {
		const {page} = await open('', '54');
		await page.waitForFunction(() => document.getElementById('status')?.textContent === 'verified');
		// What an attacker's script (or devtools) on the page could ask for.
		const asked = await page.evaluate(async () => {
			const answers = [];
			for (const path of ['/sign?userId=mallory', '/sign?userId=mallory&ttl=60', '/sign?sub=mallory', '/sign/mallory']) {
				const response = await fetch(path);
				answers.push(response.ok ? (await response.json()).userId : response.status);
			}

			return answers;
		});
		expect(asked).toEqual(['54', '54', '54', 404]);
	});

	it('signs nothing for a visitor who is not logged in: the page stays anonymous with the fallbacks', async () => {
		const {api, pages} = stack;
		const {page} = await open('?userId=55', undefined);
		// The page's one ask has been answered (401), and whatever it would do next has had time to happen.
		await vi.waitFor(() => expect(pages.count('/sign')).toBe(1));
		await page.waitForTimeout(300);
		const unsigned = await page.evaluate(async () => (await fetch('/sign?userId=55')).status);
		expect(unsigned).toBe(401);
		expect(await texts(page)).toEqual(['anonymous', 'Welcome!', 'free', null]);
		expect(pages.count('/sign')).toBe(2);
		expect(api.count('POST', '/v1/identify')).toBe(0);
	});

	it('shows rejected and the fallbacks for a tampered hash', async () => {
		const {page} = await open('?tamper=1', '52');
		await page.waitForFunction(() => document.getElementById('status')?.textContent === 'rejected');
		expect(await texts(page)).toEqual(['rejected', 'Welcome!', 'free', 'hash_invalid']);
	});
});

// The React page of examples/react, bundled from TSX with esbuild against
// the built files (dist/react.mjs and dist/signet.mjs), in Chromium:
// identify → verified with the variable shown; a tampered hash → rejected,
// the fallbacks shown.
import {build} from 'esbuild';
import {expect, it} from 'vitest';
import {describeBrowser, useBrowser} from './support/browser';
import {useStack} from './support/stack';

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

	async function open(query: string) {
		const {pages, api} = stack;
		pages.file('/react.js', await bundle(), 'text/javascript; charset=utf-8');
		const html = `<!doctype html><html><head><meta charset="utf-8">
<meta name="signet-client-token" content="ct_enforce"><meta name="signet-api-host" content="${api.url}"><meta name="signet-sign-url" content="/sign">
</head><body><div id="root"></div><script type="module" src="/react.js"></script></body></html>`;
		const watched = await browser.page(`${pages.page('/react.html', html)}${query}`);
		return watched.page;
	}

	const texts = (page: any) => page.evaluate(() => ['status', 'greeting', 'plan', 'error'].map((id) => document.getElementById(id)?.textContent ?? null));

	it('identifies the user and shows the verified greeting and plan', async () => {
		const page = await open('?userId=51');
		await page.waitForFunction(() => document.getElementById('status')?.textContent === 'verified');
		expect(await texts(page)).toEqual(['verified', 'hi 51', 'pro', null]);
	});

	it('shows rejected and the fallbacks for a tampered hash', async () => {
		const page = await open('?userId=52&tamper=1');
		await page.waitForFunction(() => document.getElementById('status')?.textContent === 'rejected');
		expect(await texts(page)).toEqual(['rejected', 'Welcome!', 'free', 'hash_invalid']);
	});
});

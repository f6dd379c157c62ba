// The script-tag install: the async snippet records calls made before
// signet.umd.js arrives, and the file replays them once it does; pinned
// with Subresource Integrity, it loads only the file it was made for.
import {expect, it} from 'vitest';
import {subresourceIntegrity} from '../../src/server/index';
import {describeBrowser, type Settled, useBrowser} from './support/browser';
import {WRONG_SECRET, sign} from './support/secrets';
import {distFile, snippet, useStack} from './support/stack';

const UMD = '/dist/signet.umd.js';

describeBrowser('async snippet', () => {
	const browser = useBrowser();
	const stack = useStack();

	it('replays calls of both forms made before the file arrived, init first, then in call order', async () => {
		const {pages, api} = stack;
		const seven = sign('7');
		const eight = sign('8');
		const calls = `
			window.__events = [];
			window.__queued = [
				Signet.on('identified', (result) => __events.push(result.userId)),
				Signet('identifyUser', '7', {plan: 'a'}, {hash: ${JSON.stringify(seven.hash)}}),
				Signet.init({clientToken: 'ct_enforce', apiHost: ${JSON.stringify(api.url)}}),
				Signet.identifyUser('8', {plan: 'b'}, {hash: ${JSON.stringify(eight.hash)}}),
				Signet('getAnonymousId'),
			];
			window.__results = Promise.all(__queued.map(__settle));`;
		const url = pages.page('/snippet-replay.html', `<!doctype html><head><script>${snippet(pages)}</script><script>${calls}</script></head><body></body>`);
		const held = pages.hold(UMD);
		const {page} = await browser.page(url, {waitUntil: 'domcontentloaded'});
		await held.arrived;

		// The file has not arrived: every call waits in the stub's queue.
		expect(await page.evaluate(() => ({loaded: (window as any).Signet.loaded, queued: (window as any).Signet.q.length}))).toEqual({loaded: undefined, queued: 5});
		expect(api.calls).toHaveLength(0);

		held.release();
		const results = (await page.evaluate(() => (window as any).__results)) as Settled[];
		expect(results.map(({ok}) => ok)).toEqual([true, true, true, true, true]);
		expect(results[1].value).toMatchObject({userId: '7', verified: true, variables: {plan: 'pro'}});
		expect(results[3].value).toMatchObject({userId: '8', verified: true});
		expect(results[4].value).toMatch(/^[\da-f-]{36}$/);
		expect(api.calls.filter(({path}) => path === '/v1/identify').map(({body}) => body.userId)).toEqual(['7', '8']);

		// Now window.Signet is the real API, in both forms.
		const after = await page.evaluate(async () => {
			const Signet = (window as any).Signet;
			const identity = Signet('getIdentity');
			return {loaded: Signet.loaded, identity, same: Signet.getIdentity().userId, events: (window as any).__events, hasQueue: 'q' in Signet};
		});
		expect(after).toMatchObject({loaded: true, identity: {status: 'verified', userId: '8'}, same: '8', events: ['7', '8'], hasQueue: false});
		expect(pages.count(UMD)).toBe(1);
	});

	it('settles recorded calls that fail with the typed error, without unhandled rejections', async () => {
		const {pages, api} = stack;
		const forged = sign('9', {secret: WRONG_SECRET});
		const calls = `
			window.__queued = [
				Signet.identifyUser(''),
				Signet('nope', 1),
				Signet('identifyUser', '9', {}, {hash: ${JSON.stringify(forged.hash)}}),
				Signet.init({clientToken: 'ct_enforce', apiHost: ${JSON.stringify(api.url)}}),
			];
			// Nobody looks at these: they must not surface as unhandled rejections.
			Signet.identifyUser(null);
			Signet('identifyUser', '9', {}, {hash: 'not a hash'});
			window.__results = Promise.all(__queued.map(__settle));`;
		const url = pages.page('/snippet-failures.html', `<!doctype html><head><script>${snippet(pages)}</script><script>${calls}</script></head><body></body>`);
		const held = pages.hold(UMD);
		const watched = await browser.page(url, {waitUntil: 'domcontentloaded'});
		await held.arrived;
		expect(await watched.page.evaluate(() => (window as any).Signet.q.length)).toBe(6);
		held.release();

		const results = (await watched.page.evaluate(() => (window as any).__results)) as Settled[];
		expect(results[0]).toMatchObject({ok: false, name: 'InvalidArgumentError', code: 'invalid_user_id'});
		expect(results[1]).toMatchObject({ok: false, name: 'InvalidArgumentError', code: 'unknown_method'});
		expect(results[2]).toMatchObject({ok: false, name: 'IdentityVerificationError', code: 'hash_invalid'});
		expect(results[3]).toMatchObject({ok: true});
		expect(api.count('POST', '/v1/identify')).toBe(1);
		expect(await watched.unhandled()).toEqual([]);
		expect(watched.pageErrors).toEqual([]);
	});

	it('loads the file once when the snippet is pasted twice', async () => {
		const {pages, api} = stack;
		const ten = sign('10');
		const code = snippet(pages);
		const html = `<!doctype html><head>
			<script>${code}</script>
			<script>window.__first = Signet.init({clientToken: 'ct_enforce', apiHost: ${JSON.stringify(api.url)}});</script>
			<script>${code}</script>
			<script>window.__second = Signet.identifyUser('10', {}, {hash: ${JSON.stringify(ten.hash)}});</script>
		</head><body></body>`;
		const url = pages.page('/snippet-twice.html', html);
		const held = pages.hold(UMD);
		const {page} = await browser.page(url, {waitUntil: 'domcontentloaded'});
		await held.arrived;
		expect(await page.evaluate(() => (window as any).Signet.q.length)).toBe(2);
		held.release();

		const [first, second] = (await page.evaluate(() => Promise.all([(window as any).__settle((window as any).__first), (window as any).__settle((window as any).__second)]))) as Settled[];
		expect(first.ok).toBe(true);
		expect(second).toMatchObject({ok: true, value: {userId: '10', verified: true}});

		// Pasted once more after load: nothing injected or loaded again, and the real API stays.
		await page.addScriptTag({content: code});
		const after = await page.evaluate(() => ({
			loaded: (window as any).Signet.loaded,
			userId: (window as any).Signet.getIdentity().userId,
			tags: document.querySelectorAll('script[src$="signet.umd.js"]').length,
		}));
		expect(after).toEqual({loaded: true, userId: '10', tags: 1});
		expect(pages.count(UMD)).toBe(1);
	});

	/**
	 * A page with the snippet `code` that records the script it refused (a
	 * resource error reaches window in the capture phase only) and makes
	 * two stub calls; window.__results settles when they do.
	 */
	function pinnedPage(name: string, code: string): string {
		const {pages, api} = stack;
		const {hash} = sign('11');
		const calls = `
			window.__queued = [
				Signet.init({clientToken: 'ct_enforce', apiHost: ${JSON.stringify(api.url)}}),
				Signet.identifyUser('11', {}, {hash: ${JSON.stringify(hash)}}),
			];
			window.__results = Promise.all(__queued.map(__settle));`;
		const watch = `window.__refused = []; addEventListener('error', (event) => event.target?.src && __refused.push(event.target.src), true);`;
		return pages.page(`/${name}.html`, `<!doctype html><head><script>${watch}</script><script>${code}</script><script>${calls}</script></head><body></body>`);
	}

	it('loads the SDK from a snippet pinned with the integrity of signet.umd.js', async () => {
		const {pages, api} = stack;
		const {page} = await browser.page(pinnedPage('snippet-pinned', snippet(pages, {integrity: subresourceIntegrity(distFile('signet.umd.js'))})));
		const results = (await page.evaluate(() => (window as any).__results)) as Settled[];
		expect(results[1]).toMatchObject({ok: true, value: {userId: '11', verified: true}});
		const injected = await page.evaluate(() => {
			const script = document.querySelector('script[src$="signet.umd.js"]') as HTMLScriptElement;
			return {integrity: script.integrity, crossOrigin: script.crossOrigin, refused: (window as any).__refused, loaded: (window as any).Signet.loaded};
		});
		expect(injected).toEqual({integrity: subresourceIntegrity(distFile('signet.umd.js')), crossOrigin: 'anonymous', refused: [], loaded: true});
		expect(api.count('POST', '/v1/identify')).toBe(1);
	});

	it('refuses a file that does not match the pinned integrity: the SDK never loads and the recorded calls never run', async () => {
		const {pages, api} = stack;
		const original = distFile('signet.umd.js');
		// One byte changed inside a string, so the file still runs unpinned: what a compromised CDN could serve.
		const at = original.indexOf('private keys belong on your server');
		expect(at).toBeGreaterThan(0);
		const tampered = Buffer.from(original);
		tampered[at] = 'c'.charCodeAt(0);
		const src = pages.file('/cdn/signet.umd.js', tampered, 'text/javascript; charset=utf-8');

		// The tampered file under the right digest, and the right file under a wrong one.
		const cases = [
			['snippet-tampered', snippet(pages, {src, integrity: subresourceIntegrity(original)})],
			['snippet-wrong-digest', snippet(pages, {integrity: subresourceIntegrity(tampered)})],
		];
		for (const [name, code] of cases) {
			const watched = await browser.page(pinnedPage(name!, code!));
			const seen = await watched.page.evaluate(async () => {
				const late = await Promise.race([(window as any).__results.then(() => 'settled'), new Promise((done) => setTimeout(done, 1500, 'pending'))]);
				return {late, refused: (window as any).__refused.length, loaded: (window as any).Signet.loaded ?? false, queued: (window as any).Signet.q?.length};
			});
			expect(seen, name).toEqual({late: 'pending', refused: 1, loaded: false, queued: 2});
			expect(watched.console.some(({text}) => /integrity/i.test(text)), name).toBe(true);
		}

		expect(api.calls).toEqual([]);

		// The tampered bytes run when not pinned: it was the integrity check that refused them.
		const {page} = await browser.page(pinnedPage('snippet-unpinned', snippet(pages, {src})));
		expect(((await page.evaluate(() => (window as any).__results)) as Settled[])[1]).toMatchObject({ok: true, value: {verified: true}});
	});
});

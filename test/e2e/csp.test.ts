// Host page safety: the SDK runs under a strict Content Security Policy
// (only its own file may run, only the API may be reached) without one
// violation, and the UMD file can be pinned with Subresource Integrity.
import {createHash, randomBytes} from 'node:crypto';
import {expect, it} from 'vitest';
import {describeBrowser, useBrowser} from './support/browser';
import {sign} from './support/secrets';
import {distFile, snippet, useStack} from './support/stack';

const integrity = (file: Buffer) => `sha384-${createHash('sha384').update(file).digest('base64')}`;

describeBrowser('CSP and SRI', () => {
	const browser = useBrowser();
	const stack = useStack();

	/**
	 * A page under `default-src 'none'` that allows only nonced inline
	 * scripts, the UMD file and the API. The first script records every
	 * violation; `install` loads the SDK; the last one runs a whole session
	 * (identify, updateUser, logout) and leaves its outcome in window.__result.
	 */
	async function strictPage(name: string, install: (nonce: string) => string) {
		const {pages, api} = stack;
		const nonce = randomBytes(16).toString('base64');
		const {hash} = sign('71');
		const csp = `default-src 'none'; script-src 'nonce-${nonce}' ${pages.url}/dist/signet.umd.js; connect-src ${api.url}`;
		const html = `<!doctype html><html><head><meta charset="utf-8">
<script nonce="${nonce}">
	window.__violations = [];
	document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
</script>
${install(nonce)}
<script nonce="${nonce}">
	window.__result = (async () => {
		while (!(window.Signet && window.Signet.loaded)) await new Promise((done) => setTimeout(done, 20));
		await Signet.init({clientToken: 'ct_enforce', apiHost: ${JSON.stringify(api.url)}, debug: true});
		const identified = await Signet.identifyUser('71', {plan: 'pro'}, {hash: ${JSON.stringify(hash)}});
		const updated = await Signet.updateUser({seats: 3});
		await Signet.logout();
		return {identified: identified.verified, updated: updated.verified, status: Signet.getIdentity().status};
	})().catch((error) => ({error: error.name + ' ' + error.code + ' ' + error.message}));
</script>
</head><body></body></html>`;
		const watched = await browser.page(pages.page(`/${name}.html`, html, {'content-security-policy': csp}));
		const result = await watched.page.evaluate(() => (window as any).__result);
		const violations = await watched.page.evaluate(() => (window as any).__violations);
		return {watched, result, violations};
	}

	it('runs the snippet and a whole session under a strict nonce-based CSP without a single violation', async () => {
		const {result, violations, watched} = await strictPage('csp-snippet', (nonce) => `<script nonce="${nonce}">${snippet(stack.pages)}</script>`);
		expect(result).toEqual({identified: true, updated: true, status: 'anonymous'});
		expect(violations).toEqual([]);
		expect(watched.console.filter(({text}) => /Content Security Policy/i.test(text))).toEqual([]);
		expect(stack.api.count('POST', '/v1/identify')).toBe(1);
		expect(stack.api.count('POST', '/v1/logout')).toBe(1);
	});

	it('runs from a plain script tag allowed by its address alone', async () => {
		const {result, violations, watched} = await strictPage('csp-tag', () => `<script src="/dist/signet.umd.js"></script>`);
		expect(result).toEqual({identified: true, updated: true, status: 'anonymous'});
		expect(violations).toEqual([]);
		expect(watched.console.filter(({text}) => /Content Security Policy/i.test(text))).toEqual([]);
	});

	it('loads the UMD file pinned with its SRI integrity', async () => {
		const {pages, api} = stack;
		const html = `<!doctype html><head><script src="/dist/signet.umd.js" integrity="${integrity(distFile('signet.umd.js'))}" crossorigin="anonymous" onerror="window.__scriptError = true"></script></head>`;
		const {page} = await browser.page(pages.page('/sri.html', html));
		const {hash} = sign('72');
		const outcome = await page.evaluate(
			async ({apiHost, hash}) => {
				const {Signet} = window as any;
				await Signet.init({clientToken: 'ct_enforce', apiHost});
				return {error: (window as any).__scriptError ?? false, loaded: Signet.loaded, result: await Signet.identifyUser('72', {}, {hash})};
			},
			{apiHost: api.url, hash},
		);
		expect(outcome).toMatchObject({error: false, loaded: true, result: {userId: '72', verified: true}});
	});

	it('refuses a tampered file that no longer matches the integrity', async () => {
		const {pages} = stack;
		const original = distFile('signet.umd.js');
		const text = original.toString('latin1');
		const at = text.indexOf('private keys belong on your server');
		expect(at).toBeGreaterThan(0);
		// One byte changed inside a string: still valid JavaScript.
		const tampered = Buffer.from(original);
		tampered[at] = 'c'.charCodeAt(0);
		expect(Buffer.compare(tampered, original)).not.toBe(0);
		pages.file('/cdn/signet.umd.js', tampered, 'text/javascript; charset=utf-8');

		const pinned = `<!doctype html><head><script src="/cdn/signet.umd.js" integrity="${integrity(original)}" crossorigin="anonymous" onerror="window.__scriptError = true"></script></head>`;
		const {page} = await browser.page(pages.page('/sri-tampered.html', pinned));
		expect(await page.evaluate(() => ({error: (window as any).__scriptError ?? false, signet: typeof (window as any).Signet}))).toEqual({error: true, signet: 'undefined'});

		// The same bytes without integrity run: it was the integrity check that refused them.
		const unpinned = `<!doctype html><head><script src="/cdn/signet.umd.js" onerror="window.__scriptError = true"></script></head>`;
		const control = await browser.page(pages.page('/sri-unpinned.html', unpinned));
		expect(await control.page.evaluate(() => ({error: (window as any).__scriptError ?? false, loaded: (window as any).Signet?.loaded}))).toEqual({error: false, loaded: true});
	});
});

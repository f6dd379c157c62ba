// The hash is a credential: after a whole session (renewals, updates,
// refusals, logout, debug logging on), no piece of any hash the page was
// given is in its storage, cookies, request URLs or console.
import {expect, it} from 'vitest';
import {describeBrowser, useBrowser} from './support/browser';
import {WRONG_SECRET, leakedIn, sign, usedHashes} from './support/secrets';
import {snippet, useStack} from './support/stack';

describeBrowser('secrets stay secret', () => {
	const browser = useBrowser();
	const stack = useStack();

	it('leaves no piece of any hash in storage, cookies, request URLs or the console after a whole session', async () => {
		const {pages, api} = stack;
		const hexSigned = sign('81', {ttlSeconds: 2});
		const base64Signed = sign('82', {encoding: 'base64'});
		const forged = sign('83', {secret: WRONG_SECRET});
		const expired = sign('84', {ttlSeconds: -60});
		const html = `<!doctype html><head><script>${snippet(pages)}</script></head><body></body>`;
		const watched = await browser.page(pages.page('/secrets.html', html));
		const run = await watched.page.evaluate(
			async ({apiHost, hexSigned, base64Signed, forged, expired}) => {
				const {Signet} = window as any;
				const settle = (window as any).__settle;
				await Signet.init({
					clientToken: 'ct_enforce',
					apiHost,
					debug: true,
					refreshIdentity: async ({userId}: {userId: string}) => (await fetch(`/sign?userId=${userId}&ttl=60`)).json(),
				});
				const renewed = new Promise((done) => Signet.on('expiring', done));
				const outcomes = [await settle(Signet.identifyUser('81', {plan: 'pro'}, hexSigned))];
				await renewed;
				outcomes.push(await settle(Signet.updateUser({seats: 4})));
				outcomes.push(await settle(Signet('identifyUser', '82', {}, {hash: base64Signed.hash})));
				outcomes.push(await settle(Signet.identifyUser('83', {}, {hash: forged.hash})));
				outcomes.push(await settle(Signet.identifyUser('84', {}, expired)));
				outcomes.push(await settle(Signet.logout()));
				return outcomes.map(({ok, code, value}: any) => (ok ? value?.verified ?? 'done' : code));
			},
			{apiHost: api.url, hexSigned, base64Signed, forged, expired},
		);
		// The already expired hash is not sent: refreshIdentity gets a fresh one.
		expect(run).toEqual([true, true, true, 'hash_invalid', true, 'done']);

		const left = await watched.page.evaluate(() => ({
			local: JSON.stringify({...localStorage}),
			session: JSON.stringify({...sessionStorage}),
			cookie: document.cookie,
		}));
		const places = {
			localStorage: left.local,
			sessionStorage: left.session,
			cookies: left.cookie + JSON.stringify(await watched.context.cookies()),
			'request URLs': watched.requests.map(({url}) => url).join('\n'),
			console: watched.console.map(({text}) => text).join('\n'),
		};
		// The search is meaningful: the hashes, the renewed one included, and debug output are there to search.
		expect(usedHashes()).toEqual(expect.arrayContaining([hexSigned.hash, base64Signed.hash, forged.hash, expired.hash]));
		expect(pages.count('/sign')).toBe(2);
		expect(usedHashes().length).toBeGreaterThanOrEqual(6);
		expect(watched.console.filter(({type}) => type === 'debug').length).toBeGreaterThan(0);
		expect(watched.warnings()).toHaveLength(1);
		expect(left.local).toContain('anonymousId');
		for (const [place, text] of Object.entries(places)) {
			expect(leakedIn(text), place).toEqual([]);
		}
	});
});

// Tabs of one browser agree on who is signed in (SPEC §4), in Chromium:
// two pages of one browser context load the built files; a logout or
// another user in page A ends the identity in page B. What crosses between
// them (BroadcastChannel messages, localStorage) is captured and holds no
// hash or token.
import type {Page} from 'playwright-core';
import {expect, it} from 'vitest';
import {describeBrowser, type Watched, useBrowser} from './support/browser';
import {OTHER_SECRET, leakedIn, sign} from './support/secrets';
import {esmPage, umdPage, useStack} from './support/stack';

// Before any script: every message a page posts on a BroadcastChannel, as sent.
const CAPTURE = `
window.__posted = [];
if (window.BroadcastChannel) {
	const post = BroadcastChannel.prototype.postMessage;
	BroadcastChannel.prototype.postMessage = function (message) {
		window.__posted.push({channel: this.name, message});
		return post.call(this, message);
	};
}
`;

const NO_CHANNEL = 'delete window.BroadcastChannel;';

type Tab = {page: Page; pageErrors: string[]};

describeBrowser('tabs of one browser', () => {
	const browser = useBrowser();
	const stack = useStack();

	/** Pages A and B of one context, each with the SDK initialised for `ct_enforce` (and `ct_other` on B when asked). */
	async function twoTabs({build = 'umd', channel = true}: {build?: 'umd' | 'esm'; channel?: boolean} = {}): Promise<{a: Tab; b: Tab; watched: Watched}> {
		const url = stack.pages.page(`/tabs-${build}.html`, build === 'umd' ? umdPage() : esmPage());
		const watched = await browser.page();
		await watched.context.addInitScript({content: CAPTURE + (channel ? '' : NO_CHANNEL)});
		const second = await watched.context.newPage();
		const b: Tab = {page: second, pageErrors: []};
		second.on('pageerror', (error) => b.pageErrors.push(`${error.name}: ${error.message}`));
		for (const page of [watched.page, second]) {
			await page.goto(url);
			await page.evaluate(async ({apiHost, build}) => {
				const w = window as any;
				if (build === 'esm') {
					for (let waited = 0; !w.signet && waited < 5000; waited += 20) {
						await new Promise((done) => setTimeout(done, 20));
					}

					w.Signet = w.signet;
				}

				await w.Signet.init({clientToken: 'ct_enforce', apiHost});
				w.other = w.Signet.createClient ? w.Signet.createClient({clientToken: 'ct_other', apiHost}) : undefined;
				w.__logouts = [];
				w.Signet.on('logout', (event: unknown) => w.__logouts.push(event));
			}, {apiHost: stack.api.url, build});
		}

		return {a: {page: watched.page, pageErrors: watched.pageErrors}, b, watched};
	}

	async function identify(tab: Tab, userId: string): Promise<unknown> {
		const {hash} = sign(userId);
		return tab.page.evaluate(({userId, hash}) => (window as any).Signet.identifyUser(userId, {plan: 'pro'}, {hash}).then((result: any) => result.verified), {userId, hash});
	}

	/** Waits up to 1 s for B to be anonymous; answers what B shows then. */
	async function anonymousWithinASecond(b: Tab) {
		await b.page.waitForFunction(() => (window as any).Signet.getIdentity().status === 'anonymous', undefined, {timeout: 1000});
		return b.page.evaluate(() => {
			const {Signet, __logouts} = window as any;
			return {identity: Signet.getIdentity(), greeting: Signet.getVariable('greeting', 'hello stranger'), logouts: __logouts};
		});
	}

	const shows = (tab: Tab) => tab.page.evaluate(() => ({identity: (window as any).Signet.getIdentity(), logouts: (window as any).__logouts}));

	it('makes page B anonymous within a second of a logout in page A, with the logout event and the fallback', async () => {
		const {a, b} = await twoTabs();
		expect(await identify(a, 'tab1')).toBe(true);
		expect(await identify(b, 'tab1')).toBe(true);

		await a.page.evaluate(() => (window as any).Signet.logout());
		const after = await anonymousWithinASecond(b);

		const newId = await a.page.evaluate(() => (window as any).Signet.getAnonymousId());
		expect(after.identity).toEqual({status: 'anonymous', userId: null, anonymousId: newId, error: null});
		expect(after.logouts).toEqual([{reason: 'other_tab'}]);
		expect(after.greeting).toBe('hello stranger');
		expect(b.pageErrors).toEqual([]);
	});

	it('makes page B anonymous when page A signs in another user, and leaves it when A signs in the same one', async () => {
		const {a, b} = await twoTabs();
		expect(await identify(a, 'tab2')).toBe(true);
		expect(await identify(b, 'tab2')).toBe(true);

		// The same user again in A: B stays as it is.
		await a.page.evaluate(() => (window as any).Signet.updateUser({plan: 'team'}));
		expect(await identify(a, 'tab2')).toBe(true);
		await a.page.waitForTimeout(300);
		expect(await shows(b)).toMatchObject({identity: {status: 'verified', userId: 'tab2'}, logouts: []});

		expect(await identify(a, 'tab3')).toBe(true);
		const after = await anonymousWithinASecond(b);
		expect(after.identity).toMatchObject({status: 'anonymous', userId: null});
		expect(after.logouts).toEqual([{reason: 'other_tab'}]);
		expect(after.greeting).toBe('hello stranger');
	});

	it('does the same through the storage event when BroadcastChannel is missing', async () => {
		const {a, b} = await twoTabs({channel: false});
		expect(await b.page.evaluate(() => typeof (window as any).BroadcastChannel)).toBe('undefined');
		expect(await identify(a, 'tab4')).toBe(true);
		expect(await identify(b, 'tab4')).toBe(true);

		await a.page.evaluate(() => (window as any).Signet.logout());
		const after = await anonymousWithinASecond(b);
		expect(after.logouts).toEqual([{reason: 'other_tab'}]);
		expect(after.greeting).toBe('hello stranger');
	});

	it('works with the ESM build and leaves a client of another client token alone', async () => {
		const {a, b} = await twoTabs({build: 'esm'});
		const {hash} = sign('tab6', {secret: OTHER_SECRET});
		expect(await b.page.evaluate((hash) => (window as any).other.identifyUser('tab6', {}, {hash}).then((result: any) => result.verified), hash)).toBe(true);
		expect(await identify(a, 'tab5')).toBe(true);
		expect(await identify(b, 'tab5')).toBe(true);

		await a.page.evaluate(() => (window as any).signet.logout());
		const after = await anonymousWithinASecond(b);
		expect(after.logouts).toEqual([{reason: 'other_tab'}]);
		const other = await b.page.evaluate(() => ({identity: (window as any).other.getIdentity(), plan: (window as any).other.getVariable('plan', 'none')}));
		expect(other).toMatchObject({identity: {status: 'verified', userId: 'tab6'}, plan: 'team'});
	});

	it('lets only ids and a change counter cross: no hash, token or session token in the messages or localStorage', async () => {
		const {a, b} = await twoTabs();
		const hashes = ['tab7', 'tab8'].map((userId) => sign(userId).hash);
		const sessionToken = (tab: Tab) => tab.page.evaluate(() => JSON.parse(sessionStorage.getItem('signet:ct_enforce:session') ?? '{}').token as string);
		await identify(a, 'tab7');
		await identify(b, 'tab7');
		const sessionTokens = [await sessionToken(b)];
		await identify(a, 'tab8');
		await anonymousWithinASecond(b);
		sessionTokens.push(await sessionToken(a));
		await a.page.evaluate(() => (window as any).Signet.logout());

		const crossed = await Promise.all(
			[a, b].map((tab) => tab.page.evaluate(() => ({posted: (window as any).__posted, stored: JSON.stringify({...localStorage})}))),
		);
		const posted = crossed.flatMap(({posted}) => posted);
		expect(posted.length).toBeGreaterThanOrEqual(4);
		for (const {channel, message} of posted) {
			expect(channel).toBe('signet:ct_enforce:tabs');
			expect(Object.keys(message)).toEqual(['n', 'anonymousId', 'userId']);
			expect(typeof message.n).toBe('number');
		}

		expect(sessionTokens.every((token) => typeof token === 'string' && token.length > 10)).toBe(true);
		const everything = JSON.stringify(posted) + crossed.map(({stored}) => stored).join('');
		for (const secret of [...hashes, ...sessionTokens]) {
			expect(everything).not.toContain(secret);
		}

		expect(leakedIn(everything)).toEqual([]);
	});
});

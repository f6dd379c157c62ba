// A long-lived tab: an expiring hash is renewed through refreshIdentity
// before it runs out, with no moment where the page is not verified; and
// logout revokes the session on the API.
import {randomUUID} from 'node:crypto';
import {expect, it} from 'vitest';
import {describeBrowser, useBrowser} from './support/browser';
import {sign} from './support/secrets';
import {logIn, umdPage, useStack} from './support/stack';

describeBrowser('session lifetime', () => {
	const browser = useBrowser();
	const stack = useStack();

	it('renews an expiring hash through refreshIdentity without ever leaving verified', async () => {
		const {api, pages} = stack;
		const {page, context} = await browser.page(pages.page('/renewal.html', umdPage()));
		await logIn(context, pages, '61');
		// Hashes live 2 s: the SDK renews each about a second before it expires.
		const seen = await page.evaluate(async (apiHost) => {
			const {Signet} = window as any;
			// The backend signs the logged-in user (61): the page names no one.
			const signed = async () => (await fetch('/sign?ttl=2')).json();
			await Signet.init({clientToken: 'ct_enforce', apiHost, refreshIdentity: () => signed()});
			const expiring: string[] = [];
			let identified = 0;
			Signet.on('expiring', ({userId, expiration}: {userId: string; expiration: string}) => expiring.push(`${userId} ${expiration}`));
			Signet.on('identified', () => identified++);
			const first = await Signet.identifyUser('61', {plan: 'pro'}, await signed());

			const statuses = new Set<string>();
			const plans = new Set<unknown>();
			let polls = 0;
			const poll = setInterval(() => {
				polls++;
				statuses.add(Signet.getIdentity().status);
				plans.add(Signet.getVariable('plan', 'fallback'));
			}, 50);
			// Two renewals, then stop (bounded: at most 8 s).
			for (let waited = 0; identified < 3 && waited < 8000; waited += 50) {
				await new Promise((done) => setTimeout(done, 50));
			}

			clearInterval(poll);
			return {first, expiring, identified, statuses: [...statuses], plans: [...plans], polls, identity: Signet.getIdentity()};
		}, api.url);

		expect(seen.first).toMatchObject({userId: '61', verified: true});
		expect(seen.identified).toBe(3);
		expect(seen.expiring).toHaveLength(2);
		expect(seen.polls).toBeGreaterThan(10);
		expect(seen.statuses).toEqual(['verified']);
		expect(seen.plans).toEqual(['pro']);
		expect(seen.identity).toMatchObject({status: 'verified', userId: '61', error: null});

		// Each renewal is one identify with a freshly signed hash and expiration.
		const identifies = api.calls.filter(({path}) => path === '/v1/identify');
		expect(identifies.map(({body}) => body.userId)).toEqual(['61', '61', '61']);
		expect(new Set(identifies.map(({body}) => body.hash)).size).toBe(3);
		expect(new Set(identifies.map(({body}) => body.expiration)).size).toBe(3);
		expect(seen.expiring.map((line) => line.split(' ')[1])).toEqual(identifies.slice(0, 2).map(({body}) => body.expiration));
		expect(pages.count('/sign')).toBe(3);
	});

	it('revokes the session on logout: the old token then gets 401 from /v1/user', async () => {
		const {api, pages} = stack;
		const {page} = await browser.page(pages.page('/logout.html', umdPage()));
		const {hash} = sign('62');
		const before = await page.evaluate(
			async ({apiHost, hash}) => {
				const {Signet} = window as any;
				await Signet.init({clientToken: 'ct_enforce', apiHost});
				await Signet.identifyUser('62', {plan: 'pro'}, {hash});
				return {session: JSON.parse(sessionStorage.getItem('signet:ct_enforce:session')!), anonymousId: Signet.getAnonymousId()};
			},
			{apiHost: api.url, hash},
		);
		const {token} = before.session;
		const updateWith = (anonymousId: string) =>
			fetch(`${api.url}/v1/user`, {
				method: 'POST',
				headers: {'content-type': 'text/plain;charset=UTF-8', authorization: `Bearer ${token}`},
				body: JSON.stringify({clientToken: 'ct_enforce', anonymousId, metadata: {seats: 3}, messageId: randomUUID()}),
			});

		// The token works while the user is logged in.
		expect((await updateWith(before.anonymousId)).status).toBe(200);

		const after = await page.evaluate(async () => {
			const {Signet} = window as any;
			await Signet.logout();
			return {identity: Signet.getIdentity(), session: sessionStorage.getItem('signet:ct_enforce:session'), plan: Signet.getVariable('plan', 'free')};
		});
		expect(after.identity).toMatchObject({status: 'anonymous', userId: null, error: null});
		expect(after.identity.anonymousId).not.toBe(before.anonymousId);
		expect(after.session).toBeNull();
		expect(after.plan).toBe('free');

		const [revoke] = api.calls.filter(({method, path}) => method === 'POST' && path === '/v1/logout');
		expect(revoke).toMatchObject({authorization: `Bearer ${token}`, body: {anonymousId: before.anonymousId}});

		const refused = await updateWith(before.anonymousId);
		expect(refused.status).toBe(401);
		expect(await refused.json()).toMatchObject({error: {code: 'session_invalid'}});
	});
});

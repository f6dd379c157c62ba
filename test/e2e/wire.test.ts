// What the browser puts on the network: one simple (preflight-free)
// cross-origin POST per identify, and nothing for an identify the API has
// already accepted.
import {expect, it} from 'vitest';
import {describeBrowser, useBrowser} from './support/browser';
import {sign} from './support/secrets';
import {umdPage, useStack} from './support/stack';

describeBrowser('requests on the wire', () => {
	const browser = useBrowser();
	const stack = useStack();

	async function ready() {
		const watched = await browser.page(stack.pages.page('/wire.html', umdPage()));
		await watched.page.evaluate((apiHost) => (window as any).Signet.init({clientToken: 'ct_enforce', apiHost}), stack.api.url);
		return watched;
	}

	const toApi = (requests: Array<{method: string; url: string}>) => requests.filter(({url}) => url.startsWith(stack.api.url));

	it('sends exactly one request per identify, with no CORS preflight', async () => {
		const {api, pages} = stack;
		const {page, requests} = await ready();
		const signed = sign('41', {ttlSeconds: 3600});
		const result = await page.evaluate(
			({hash, expiration}) => (window as any).Signet.identifyUser('41', {plan: 'pro'}, {hash, expiration}),
			signed,
		);
		expect(result).toMatchObject({userId: '41', verified: true});
		expect(api.count('OPTIONS')).toBe(0);
		expect(api.calls).toHaveLength(1);
		const [call] = api.calls;
		expect(call).toMatchObject({method: 'POST', path: '/v1/identify', origin: pages.url, contentType: 'text/plain;charset=UTF-8', authorization: null});
		expect(Object.keys(call.body).sort()).toEqual(['anonymousId', 'clientToken', 'expiration', 'hash', 'messageId', 'metadata', 'sentAt', 'userId']);
		expect(call.body).toMatchObject({clientToken: 'ct_enforce', userId: '41', metadata: {plan: 'pro'}, hash: signed.hash, expiration: signed.expiration});
		expect(toApi(requests)).toEqual([{method: 'POST', url: `${api.url}/v1/identify`}]);
	});

	it('sends nothing for an identify identical to the accepted one', async () => {
		const {api} = stack;
		const {page, requests} = await ready();
		const {hash} = sign('42');
		const results = await page.evaluate(async (hash) => {
			const {Signet} = window as any;
			const first = await Signet.identifyUser('42', {plan: 'pro'}, {hash});
			const again = await Signet.identifyUser('42', {plan: 'pro'}, {hash});
			// Two identical calls in one tick: still one request between them.
			const [command, method] = await Promise.all([Signet('identifyUser', '42', {plan: 'pro'}, {hash}), Signet.identifyUser('42', {plan: 'pro'}, {hash})]);
			return [first, again, command, method];
		}, hash);
		for (const result of results) {
			expect(result).toMatchObject({userId: '42', verified: true});
		}

		expect(api.count('POST', '/v1/identify')).toBe(1);
		expect(api.count('OPTIONS')).toBe(0);
		expect(toApi(requests)).toHaveLength(1);

		// Different metadata is a new call: one more request.
		await page.evaluate((hash) => (window as any).Signet.identifyUser('42', {plan: 'team'}, {hash}), hash);
		expect(api.count('POST', '/v1/identify')).toBe(2);
		expect(toApi(requests)).toHaveLength(2);
		expect(new Set(api.calls.map(({body}) => body.messageId)).size).toBe(2);
	});
});

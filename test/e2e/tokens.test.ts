// Identity tokens in real Chromium, from the UMD file: a page identified
// with a token is verified, one whose signed attribute was changed is
// refused, and an expiring token is renewed through refreshIdentity.
import {expect, it} from 'vitest';
import {signIdentityToken} from '../../src/server/index';
import {describeBrowser, useBrowser} from './support/browser';
import {TOKEN_SECRET} from './support/secrets';
import {umdPage, useStack} from './support/stack';

const token = (userId: string, {attributes, ttlSeconds}: {attributes?: Record<string, unknown>; ttlSeconds?: number} = {}) =>
	signIdentityToken({userId, attributes}, TOKEN_SECRET, {audience: 'ct_enforce', ...(ttlSeconds === undefined ? {} : {expiration: new Date(Date.now() + ttlSeconds * 1000)})});

describeBrowser('identity tokens', () => {
	const browser = useBrowser();
	const stack = useStack();

	it('verifies a page identified with a token, sent in place of a hash', async () => {
		const {api, pages} = stack;
		const {page} = await browser.page(pages.page('/token.html', umdPage()));
		const signed = await token('71', {attributes: {plan: 'pro'}});
		const seen = await page.evaluate(
			async ({apiHost, signed}) => {
				const {Signet} = window as any;
				await Signet.init({clientToken: 'ct_enforce', apiHost});
				const result = await Signet.identifyUser('71', {theme: 'dark'}, {token: signed});
				return {result, identity: Signet.getIdentity(), greeting: Signet.getVariable('greeting', 'fallback'), stored: JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})};
			},
			{apiHost: api.url, signed},
		);

		expect(seen.result).toMatchObject({userId: '71', verified: true});
		expect(seen.identity).toMatchObject({status: 'verified', userId: '71'});
		expect(seen.greeting).toBe('hi 71');
		expect(seen.stored).not.toContain(signed.split('.')[2]);
		const [call] = api.calls.filter(({path}) => path === '/v1/identify');
		expect(call!.body).toMatchObject({userId: '71', token: signed});
		expect(call!.body).not.toHaveProperty('hash');
		expect(api.store.getUser('ct_enforce', '71')).toMatchObject({metadata: {plan: 'pro', theme: 'dark'}, signedKeys: ['plan']});
	});

	it('refuses a token whose signed attribute the page changed, and carries on anonymously', async () => {
		const {api, pages} = stack;
		const {page} = await browser.page(pages.page('/tampered-token.html', umdPage()));
		const [header, , signature] = (await token('72', {attributes: {plan: 'free'}})).split('.');
		const seen = await page.evaluate(
			async ({apiHost, header, signature}) => {
				const {Signet} = window as any;
				await Signet.init({clientToken: 'ct_enforce', apiHost});
				// What a page script can do: rewrite the payload, keep the signature.
				const payload = btoa(JSON.stringify({sub: '72', aud: 'ct_enforce', attributes: {plan: 'enterprise'}})).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
				const error = await Signet.identifyUser('72', {}, {token: `${header}.${payload}.${signature}`}).catch((caught: any) => ({name: caught.name, code: caught.code}));
				return {error, identity: Signet.getIdentity(), plan: Signet.getVariable('plan', 'fallback')};
			},
			{apiHost: api.url, header, signature},
		);

		expect(seen.error).toEqual({name: 'IdentityVerificationError', code: 'token_invalid'});
		expect(seen.identity).toMatchObject({status: 'rejected', userId: null});
		expect(seen.plan).toBe('fallback');
		expect(api.store.getUser('ct_enforce', '72')).toBeUndefined();
	});

	it('renews an expiring token through refreshIdentity before its exp, staying verified', async () => {
		const {api, pages} = stack;
		const {page} = await browser.page(pages.page('/token-renewal.html', umdPage()));
		const first = await token('73', {ttlSeconds: 3});
		const renewed = await token('73', {ttlSeconds: 3600});
		const seen = await page.evaluate(
			async ({apiHost, first, renewed}) => {
				const {Signet} = window as any;
				let refreshed = 0;
				await Signet.init({clientToken: 'ct_enforce', apiHost, refreshIdentity: async () => (refreshed++, {token: renewed})});
				let identified = 0;
				Signet.on('identified', () => identified++);
				await Signet.identifyUser('73', {}, {token: first});
				const statuses = new Set<string>();
				for (let waited = 0; identified < 2 && waited < 8000; waited += 50) {
					statuses.add(Signet.getIdentity().status);
					await new Promise((done) => setTimeout(done, 50));
				}

				return {refreshed, identified, statuses: [...statuses], identity: Signet.getIdentity()};
			},
			{apiHost: api.url, first, renewed},
		);

		expect(seen).toMatchObject({refreshed: 1, identified: 2, statuses: ['verified'], identity: {status: 'verified', userId: '73'}});
		expect(api.calls.filter(({path}) => path === '/v1/identify').map(({body}) => body.token)).toEqual([first, renewed]);
	});
});

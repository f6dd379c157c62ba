// The npm install: a page imports the ESM build (ky as its own module,
// resolved through an import map as a bundler would) and may run two
// isolated clients side by side.
import {expect, it} from 'vitest';
import {describeBrowser, type Settled, useBrowser} from './support/browser';
import {OTHER_SECRET, WRONG_SECRET, sign} from './support/secrets';
import {esmPage, useStack} from './support/stack';

describeBrowser('ESM import', () => {
	const browser = useBrowser();
	const stack = useStack();

	async function esm() {
		const watched = await browser.page(stack.pages.page('/esm.html', esmPage()));
		await watched.page.waitForFunction(() => (window as any).signet !== undefined);
		return watched;
	}

	it('imports signet and ky as modules and verifies a user with the named exports', async () => {
		const {api, pages} = stack;
		const {page, requests} = await esm();
		const {hash} = sign('21');
		const outcome = await page.evaluate(
			async ({apiHost, hash}) => {
				const {init, identifyUser, getIdentity, getVariable} = (window as any).signet;
				await init({clientToken: 'ct_enforce', apiHost});
				const result = await (window as any).__settle(identifyUser('21', {plan: 'pro'}, {hash}));
				return {result, identity: getIdentity(), greeting: getVariable('greeting', 'hello stranger')};
			},
			{apiHost: api.url, hash},
		);
		expect(outcome.result).toMatchObject({ok: true, value: {userId: '21', verified: true}});
		expect(outcome.identity).toMatchObject({status: 'verified', userId: '21', error: null});
		expect(outcome.greeting).toBe('hi 21');
		// ky came from its own module file, not bundled in.
		expect(requests.map(({url}) => url)).toEqual(expect.arrayContaining([`${pages.url}/dist/signet.mjs`, `${pages.url}/node_modules/ky/distribution/index.js`]));
		expect(requests.some(({url}) => url.endsWith('signet.umd.js'))).toBe(false);
	});

	it('keeps two clients with their own tokens and states side by side', async () => {
		const {api} = stack;
		const {page} = await esm();
		const first = sign('31');
		const second = sign('32', {secret: OTHER_SECRET});
		const forged = sign('33', {secret: WRONG_SECRET});
		const outcome = await page.evaluate(
			async ({apiHost, first, second, forged}) => {
				const {createClient} = (window as any).signet;
				const settle = (window as any).__settle;
				const a = createClient({clientToken: 'ct_enforce', apiHost});
				const b = createClient({clientToken: 'ct_other', apiHost});
				const verified = await Promise.all([settle(a.identifyUser('31', {}, {hash: first})), settle(b.identifyUser('32', {}, {hash: second}))]);
				const variables = [a.getVariable('plan', 'none'), b.getVariable('plan', 'none')];
				// One client refused: the other is untouched.
				const refused = await settle(b.identifyUser('33', {}, {hash: forged}));
				return {
					verified,
					variables,
					refused,
					states: [a.getIdentity(), b.getIdentity()],
					after: [a.getVariable('plan', 'none'), b.getVariable('plan', 'none')],
					anonymousIds: [localStorage.getItem('signet:ct_enforce:anonymousId'), localStorage.getItem('signet:ct_other:anonymousId')],
					sessions: [sessionStorage.getItem('signet:ct_enforce:session') !== null, sessionStorage.getItem('signet:ct_other:session') !== null],
				};
			},
			{apiHost: api.url, first: first.hash, second: second.hash, forged: forged.hash},
		);
		expect(outcome.verified.map((result: Settled) => result.value)).toMatchObject([
			{userId: '31', verified: true},
			{userId: '32', verified: true},
		]);
		expect(outcome.variables).toEqual(['pro', 'team']);
		expect(outcome.refused).toMatchObject({ok: false, name: 'IdentityVerificationError', code: 'hash_invalid'});
		expect(outcome.states[0]).toMatchObject({status: 'verified', userId: '31'});
		expect(outcome.states[1]).toMatchObject({status: 'rejected', userId: null});
		expect(outcome.after).toEqual(['pro', 'none']);
		expect(outcome.states[0].anonymousId).toBe(outcome.anonymousIds[0]);
		expect(outcome.states[1].anonymousId).toBe(outcome.anonymousIds[1]);
		expect(outcome.anonymousIds[0]).not.toBe(outcome.anonymousIds[1]);
		expect(outcome.sessions).toEqual([true, false]);
		// Each call reached its own client's records, and the refused one none.
		const ids = (client: string) => api.store.users(client).map(({userId}) => userId);
		expect(ids('ct_enforce')).toContain('31');
		expect(ids('ct_enforce')).not.toContain('32');
		expect(ids('ct_other')).toEqual(['32']);
	});
});

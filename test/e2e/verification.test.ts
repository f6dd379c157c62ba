// What a page sees for each answer of the API: verified, unverified
// (monitor mode) and each refusal (403), with the fallback that keeps the
// page working as the anonymous visitor.
import {createHmac} from 'node:crypto';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {type Api, startApi} from './support/api';
import {describeBrowser, type Settled, useBrowser, type Watched} from './support/browser';
import {remember, SECRET, WRONG_SECRET, sign} from './support/secrets';
import {umdPage, useStack} from './support/stack';

type Outcome = {result: Settled; identity: any; events: string[][]; plan: unknown; session: string | null; anonymousBefore: string; anonymousAfter: string};

describeBrowser('verification outcomes', () => {
	const browser = useBrowser();
	const stack = useStack();
	// An API whose clock runs two hours ahead of the page's: a hash the page
	// still thinks valid has expired there.
	let ahead: Api;
	beforeAll(async () => {
		ahead = await startApi(stack.pages.url, {now: () => new Date(Date.now() + 2 * 3600 * 1000)});
	});
	afterAll(() => ahead?.close());

	/** A UMD page, initialised for `clientToken` on `apiHost`, recording every event. */
	async function ready(clientToken: string, apiHost: string): Promise<Watched> {
		const watched = await browser.page(stack.pages.page('/verification.html', umdPage()));
		await watched.page.evaluate(
			({clientToken, apiHost}) => {
				const {Signet} = window as any;
				(window as any).__events = [];
				(window as any).__clientToken = clientToken;
				for (const event of ['identified', 'rejected', 'error', 'expiring']) {
					Signet.on(event, (payload: any) => (window as any).__events.push([event, payload.code ?? payload.userId]));
				}

				return Signet.init({clientToken, apiHost});
			},
			{clientToken, apiHost},
		);
		return watched;
	}

	/**
	 * Calls identifyUser without looking at its promise until the outcome's
	 * event has fired (an ignored rejection must stay quiet), then reads it.
	 */
	function identify(watched: Watched, userId: string, verification: {hash?: string; expiration?: string}): Promise<Outcome> {
		return watched.page.evaluate(
			async ({userId, verification}) => {
				const {Signet} = window as any;
				const anonymousBefore = Signet.getAnonymousId();
				const settled = new Promise((done) => {
					const offs = ['identified', 'rejected', 'error'].map((event) => Signet.on(event, () => (offs.forEach((off: () => void) => off()), done(0))));
				});
				const pending = Signet.identifyUser(userId, {plan: 'self-declared'}, verification);
				await settled;
				await new Promise((done) => setTimeout(done, 50));
				const identity = Signet.getIdentity();
				return {
					result: await (window as any).__settle(pending),
					// An Error crosses to Node without its own fields: keep name and code.
					identity: {...identity, error: identity.error && {name: identity.error.name, code: identity.error.code}},
					events: (window as any).__events,
					plan: Signet.getVariable('plan', 'free'),
					session: sessionStorage.getItem(`signet:${(window as any).__clientToken}:session`),
					anonymousBefore,
					anonymousAfter: Signet.getAnonymousId(),
				};
			},
			{userId, verification},
		);
	}

	function expectClean(watched: Watched) {
		expect(watched.pageErrors).toEqual([]);
		return expect(watched.unhandled()).resolves.toEqual([]);
	}

	it('verifies a signed user: state, identified event, variables, session, no warning', async () => {
		const watched = await ready('ct_enforce', stack.api.url);
		const outcome = await identify(watched, '51', {hash: sign('51').hash});
		expect(outcome.result).toMatchObject({ok: true, value: {userId: '51', verified: true, variables: {plan: 'pro', greeting: 'hi 51'}}});
		expect(outcome.identity).toMatchObject({status: 'verified', userId: '51', error: null});
		expect(outcome.events).toEqual([['identified', '51']]);
		expect(outcome.plan).toBe('pro');
		expect(JSON.parse(outcome.session!)).toMatchObject({userId: '51', token: expect.any(String)});
		expect(watched.warnings()).toEqual([]);
		await expectClean(watched);
	});

	const monitorCases: Array<[code: string, api: () => Api, verification: () => {hash?: string; expiration?: string}]> = [
		['hash_missing', () => stack.api, () => ({})],
		['hash_invalid', () => stack.api, () => ({hash: sign('52', {secret: WRONG_SECRET}).hash})],
		['hash_expired', () => ahead, () => sign('52', {ttlSeconds: 3600})],
	];

	it.each(monitorCases)('in monitor mode resolves unverified for %s, with one warning and fallback variables', async (code, api, verification) => {
		const watched = await ready('ct_monitor', api().url);
		const outcome = await identify(watched, '52', verification());
		expect(outcome.result).toMatchObject({ok: true, value: {userId: '52', verified: false, variables: {}}});
		expect(outcome.identity).toMatchObject({status: 'unverified', userId: '52', error: null});
		expect(outcome.events).toEqual([['identified', '52']]);
		expect(outcome.plan).toBe('free');
		expect(outcome.session).toBeNull();
		const warnings = watched.warnings();
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toContain(code);
		expect(warnings[0]).toMatch(/enforcement/);
		await expectClean(watched);
	});

	const refusals: Array<[code: string, api: () => Api, verification: () => {hash?: string; expiration?: string}]> = [
		['hash_missing', () => stack.api, () => ({})],
		['hash_invalid', () => stack.api, () => ({hash: sign('53', {secret: WRONG_SECRET}).hash})],
		['hash_expired', () => ahead, () => sign('53', {ttlSeconds: 3600})],
	];

	it.each(refusals)('on a 403 %s rejects with the typed error, warns once, and falls back to the anonymous visitor', async (code, api, verification) => {
		const watched = await ready('ct_enforce', api().url);
		// First a verified user, so that there are variables and a session to lose.
		const before = await identify(watched, '54', {hash: sign('54').hash});
		expect(before.plan).toBe('pro');
		expect(before.session).not.toBeNull();

		const outcome = await identify(watched, '53', verification());
		expect(outcome.result).toMatchObject({ok: false, name: 'IdentityVerificationError', code});
		expect(outcome.identity).toMatchObject({status: 'rejected', userId: null, error: {name: 'IdentityVerificationError', code}});
		expect(outcome.events).toEqual([
			['identified', '54'],
			['rejected', code],
		]);
		expect(outcome.plan).toBe('free');
		expect(outcome.session).toBeNull();
		expect(outcome.anonymousAfter).toBe(outcome.anonymousBefore);
		const warnings = watched.warnings();
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toContain(code);
		await expectClean(watched);

		// The page carries on: the next good identify verifies again.
		const again = await identify(watched, '54', {hash: sign('54').hash});
		expect(again.identity).toMatchObject({status: 'verified', userId: '54'});
	});

	it.each([
		['ct_enforce', 'rejected, now anonymous'],
		['ct_monitor', 'would be rejected once enforcement is on'],
	])('names the mistake the API recognised in the one warning (%s): the hint and the cause in words', async (clientToken, lead) => {
		const watched = await ready(clientToken, stack.api.url);
		// The backend signed the id with the newline it read it with.
		const hash = createHmac('sha256', SECRET).update('56\n').digest('hex');
		remember(hash);
		const outcome = await identify(watched, '56', {hash});
		expect(outcome.identity.status).toBe(clientToken === 'ct_enforce' ? 'rejected' : 'unverified');
		const warnings = watched.warnings();
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toContain(lead);
		expect(warnings[0]).toContain('hash_invalid, user_id_whitespace: the hash was signed for the user id with surrounding whitespace');
		await expectClean(watched);
	});

	it('refuses a hash that already expired on the page without sending it', async () => {
		const watched = await ready('ct_enforce', stack.api.url);
		const outcome = await identify(watched, '55', sign('55', {ttlSeconds: -60}));
		expect(outcome.result).toMatchObject({ok: false, name: 'IdentityVerificationError', code: 'hash_expired'});
		expect(outcome.identity).toMatchObject({status: 'rejected', userId: null, error: {name: 'IdentityVerificationError', code: 'hash_expired'}});
		expect(outcome.events).toEqual([['rejected', 'hash_expired']]);
		expect(stack.api.count('POST')).toBe(0);
		const warnings = watched.warnings();
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toContain('hash_expired');
		await expectClean(watched);
	});
});

// The hash is a credential: after a whole session (renewals, updates,
// refusals, logout, debug logging on), no piece of any hash the page was
// given is in its storage, cookies, request URLs or console; and no error
// the page is given holds the hash or the session token anywhere.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type FaultServer, hang, reset, respond, startFaultServer} from '../support/fault-server';
import {describeBrowser, useBrowser} from './support/browser';
import {reachableText} from './support/reachable';
import {WRONG_SECRET, leakedIn, sign, usedHashes} from './support/secrets';
import {logIn, snippet, umdPage, useStack} from './support/stack';

describeBrowser('secrets stay secret', () => {
	const browser = useBrowser();
	const stack = useStack();

	it('leaves no piece of any hash in storage, cookies, request URLs or the console after a whole session', async () => {
		const {pages, api} = stack;
		const base64Signed = sign('82', {encoding: 'base64'});
		const forged = sign('83', {secret: WRONG_SECRET});
		const expired = sign('84', {ttlSeconds: -60});
		const html = `<!doctype html><head><script>${snippet(pages)}</script></head><body></body>`;
		const watched = await browser.page(pages.page('/secrets.html', html));
		await logIn(watched.context, pages, '81');
		const run = await watched.page.evaluate(
			async ({apiHost, base64Signed, forged, expired}) => {
				const {Signet} = window as any;
				const settle = (window as any).__settle;
				await Signet.init({
					clientToken: 'ct_enforce',
					apiHost,
					debug: true,
					// The backend signs whoever is logged in on the site: the page names no one.
					refreshIdentity: async () => (await fetch('/sign?ttl=60')).json(),
				});
				const renewed = new Promise((done) => Signet.on('expiring', done));
				// Signed at the last moment: signed before a slow page load, a 2 s hash could expire first and be renewed for a minute.
				const hexSigned = await (await fetch('/sign?ttl=2')).json();
				const outcomes = [await settle(Signet.identifyUser('81', {plan: 'pro'}, hexSigned))];
				await renewed;
				outcomes.push(await settle(Signet.updateUser({seats: 4})));
				outcomes.push(await settle(Signet('identifyUser', '82', {}, {hash: base64Signed.hash})));
				outcomes.push(await settle(Signet.identifyUser('83', {}, {hash: forged.hash})));
				// 84 logs in on the site, so that the renewal of its expired hash signs 84.
				await fetch('/login', {method: 'POST', body: '84'});
				outcomes.push(await settle(Signet.identifyUser('84', {}, expired)));
				outcomes.push(await settle(Signet.logout()));
				return {hex: hexSigned.hash as string, outcomes: outcomes.map(({ok, code, value}: any) => (ok ? value?.verified ?? 'done' : code))};
			},
			{apiHost: api.url, base64Signed, forged, expired},
		);
		// The already expired hash is not sent: refreshIdentity gets a fresh one.
		expect(run.outcomes).toEqual([true, true, true, 'hash_invalid', true, 'done']);

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
		expect(usedHashes()).toEqual(expect.arrayContaining([run.hex, base64Signed.hash, forged.hash, expired.hash]));
		expect(pages.count('/sign')).toBe(3);
		expect(usedHashes().length).toBeGreaterThanOrEqual(6);
		expect(watched.console.filter(({type}) => type === 'debug').length).toBeGreaterThan(0);
		expect(watched.warnings()).toHaveLength(1);
		expect(left.local).toContain('anonymousId');
		for (const [place, text] of Object.entries(places)) {
			expect(leakedIn(text), place).toEqual([]);
		}
	});

	it('uses nothing a polluted Object.prototype offers as an option, a user, a storage or a verification', async () => {
		const {pages, api} = stack;
		const signed = sign('pp-1');
		const expired = sign('pp-2', {ttlSeconds: -60});
		const mallory = sign('mallory');
		// What a prototype pollution bug in some library of the page would leave, before Signet loads.
		const pollute = `
			window.__used = [];
			const spy = (name) => () => { window.__used.push(name); };
			const storage = (name) => ({getItem: spy(name), setItem: spy(name), removeItem: spy(name)});
			Object.assign(Object.prototype, {
				fetch: spy('fetch'), refreshIdentity: spy('refreshIdentity'),
				apiHost: 'http://127.0.0.1:9', clientToken: 'ct_other', timeoutMs: 1, retries: 20, debug: true,
				user: {id: 'mallory', hash: '${mallory.hash}'}, id: 'mallory', metadata: {plan: 'stolen'},
				storage: {local: storage('storage.local'), session: storage('storage.session')},
				local: storage('local'), session: storage('session'),
				hash: '${mallory.hash}', expiration: '2099-01-01T00:00:00.000Z',
			});`;
		const html = `<!doctype html><head><script>${pollute}</script><script src="/dist/signet.umd.js"></script></head><body></body>`;
		const watched = await browser.page(pages.page('/polluted.html', html));
		const seen = await watched.page.evaluate(
			async ({apiHost, signed, expired}) => {
				const {Signet} = window as any;
				// A call that used a polluted retries or fetch may never settle: 3 s each, so that the test says what was used.
				const settle = (promise: Promise<unknown>) => Promise.race([(window as any).__settle(promise), new Promise((done) => setTimeout(done, 3000, {ok: false, code: 'no answer'}))]);
				await settle(Signet.init({clientToken: 'ct_monitor', apiHost}));
				const outcomes = [];
				outcomes.push(await settle(Signet.identifyUser('pp-0')));
				outcomes.push(await settle(Signet.identifyUser('pp-1', {seats: 1}, {hash: signed.hash})));
				outcomes.push(await settle(Signet.identifyUser('pp-2', {}, {hash: expired.hash, expiration: expired.expiration})));
				return {outcomes: outcomes.map(({ok, value, code}: any) => (ok ? value.verified : code)), used: (window as any).__used};
			},
			{apiHost: api.url, signed, expired},
		);

		// The unsigned call went unsigned, the expired hash was not renewed by a stranger.
		expect(seen).toEqual({outcomes: [false, true, 'hash_expired'], used: []});
		expect(api.calls.map(({body}) => [body.clientToken, body.userId, body.hash ?? null, body.metadata ?? null])).toEqual([
			['ct_monitor', 'pp-0', null, null],
			['ct_monitor', 'pp-1', signed.hash, {seats: 1}],
		]);
		expect(watched.console.filter(({type}) => type === 'debug')).toEqual([]);
	});

	describe('errors', () => {
		let faults: FaultServer;
		beforeAll(async () => {
			faults = await startFaultServer({upstream: stack.api.url});
		});
		afterAll(() => faults?.close());

		it('puts neither the hash nor the session token on any error the page can reach (403, 401 on updateUser, 500, network failure, timeout)', async () => {
			const watched = await browser.page(stack.pages.page('/errors.html', umdPage()));
			const {page} = watched;
			await page.evaluate(async (apiHost) => {
				const {Signet} = window as any;
				const roots: unknown[] = [];
				(window as any).__reachableRoots = roots;
				Signet.on('error', (error: unknown) => roots.push(error));
				Signet.on('rejected', (error: unknown) => roots.push(error));
				await Signet.init({clientToken: 'ct_enforce', apiHost, retries: 0, timeoutMs: 1000});
			}, faults.url);
			// What went on the wire, so that the search below is known to have something to find.
			let sent = '';
			// Each call's rejection, and the error getIdentity() holds after it.
			const attempt = async (call: string, verification: object) => {
				const outcome = await page.evaluate(
					async ({call, verification}) => {
						const {Signet} = window as any;
						const roots = (window as any).__reachableRoots as unknown[];
						const run = (0, eval)(`(Signet, verification) => ${call}`);
						const error = await run(Signet, verification).then(() => undefined, (caught: unknown) => caught);
						roots.push(error, Signet.getIdentity().error);
						return error && [error.name, error.code, error.status ?? null, error.apiCode ?? null, error.message];
					},
					{call, verification},
				);
				sent += faults.requests.map(({text, headers}) => `${text}\n${headers.authorization ?? ''}\n`).join('');
				// Also forgets a reset Chromium did not meet: it retries a reused connection that resets once by itself.
				faults.clear();
				return outcome;
			};
			const identify = `Signet.identifyUser('leaky', {plan: 'pro'}, verification)`;

			const refused = await attempt(identify, sign('leaky', {secret: WRONG_SECRET}));
			expect(await attempt(identify, sign('leaky'))).toBeUndefined();
			const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('signet:ct_enforce:session')!).token as string);
			faults.script(respond(401, {body: {error: {code: 'unknown_client_token', message: 'injected 401'}}}), {path: '/v1/user'});
			const unauthorised = await attempt(`Signet.updateUser({seats: 2})`, {});
			faults.script(respond(500, {body: {error: {code: 'server_error', message: 'injected 500'}}}));
			const broken = await attempt(identify, sign('leaky', {ttlSeconds: 600}));
			faults.script(reset(), {times: 2});
			const unreachable = await attempt(identify, sign('leaky', {ttlSeconds: 601}));
			faults.script(hang());
			const late = await attempt(identify, sign('leaky', {ttlSeconds: 602}));

			// What helps debugging stays.
			expect([refused, unauthorised, broken, unreachable, late]).toEqual([
				['IdentityVerificationError', 'hash_invalid', null, null, expect.any(String)],
				['ApiError', 'api_error', 401, 'unknown_client_token', 'injected 401'],
				['ApiError', 'api_error', 500, 'server_error', 'injected 500'],
				['NetworkError', 'network', null, null, `${faults.url} is unreachable`],
				['NetworkError', 'network', null, null, `${faults.url} timed out`],
			]);
			// The secrets were on the wire, so there was something to leak.
			expect(sent).toContain(`Bearer ${session}`);
			expect(leakedIn(sent).length).toBeGreaterThanOrEqual(5);

			const {text, objects} = await page.evaluate(reachableText);
			expect(objects).toBeLessThan(100_000);
			expect(text).toContain('injected 500');
			const tokenPieces = Array.from({length: session.length - 15}, (_, start) => session.slice(start, start + 16)).filter((piece) => text.includes(piece));
			expect({hashes: leakedIn(text), tokenPieces}).toEqual({hashes: [], tokenPieces: []});
		});
	});
});

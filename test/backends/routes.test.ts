// Every backend's framework route (Express, Flask, Sinatra, plain PHP,
// net/http), started on loopback, answers the logged-in user a body that
// the browser SDK, in Chromium, turns into a verified identify against the
// reference API. The page and the route share one origin (a front that
// passes requests on to the route), as on a customer's site. One Chromium
// for all languages.
import {createServer} from 'node:net';
import type {AddressInfo} from 'node:net';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {createIdentityHandler, MemoryStore, startServer} from '../../src/server/index';
import {describeBrowser, useBrowser} from '../e2e/support/browser';
import {remember} from '../e2e/support/secrets';
import {distFile, umdPage} from '../e2e/support/stack';
import {type Front, startFront} from './support/front';
import {describeLanguage, LANGUAGES, type Route, startRoute} from './support/languages';

const CLIENT = 'ct_backends_routes';
const SECRET = 'sk_routes_4Hq9Tz_hash_key_Wm28cXe1';
const USER = 'josé-😀-42';

// A port nobody holds now: the route servers are told theirs (not all of them can report port 0's).
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer().once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

describeBrowser('backend routes in Chromium', () => {
	const browser = useBrowser();

	for (const language of LANGUAGES) {
		describeLanguage(language, () => {
			let route: Route;
			let front: Front;
			let api: {url: string; close(): Promise<void>};
			beforeAll(async () => {
				const env = {SIGNET_SECRET: SECRET, FLASK_SECRET_KEY: 'flask-test-session-key', SESSION_SECRET: 'sinatra-test-session-key-'.repeat(4)};
				route = await startRoute(language, await freePort(), env);
				front = await startFront(route.url, {
					'/page.html': {body: umdPage(), type: 'text/html; charset=utf-8'},
					'/dist/signet.umd.js': {body: distFile('signet.umd.js'), type: 'text/javascript; charset=utf-8'},
				});
				// The reference API, enforcing, allowing this front's origin only.
				const handler = createIdentityHandler({clients: {[CLIENT]: {secrets: [SECRET], enforce: true, allowedOrigins: [front.url]}}, store: new MemoryStore()});
				api = await startServer(handler);
			});
			afterAll(async () => {
				await api?.close();
				await front?.close();
				await route?.stop();
			});

			it('answers 401 to a visitor who is not logged in, whatever id the request names', async () => {
				const answer = await fetch(`${route.url}/api/signet-identity?userId=42&user_id=42`);
				expect(answer.status).toBe(401);
			});

			it("answers the logged-in user's {userId, hash, expiration}, which identifyUser verifies in Chromium", async () => {
				const {page} = await browser.page(`${front.url}/page.html`);
				const seen = await page.evaluate(
					async ({apiHost, clientToken, user}) => {
						const {Signet} = window as any;
						// The customer's login, then the route, as the customer's page calls it.
						const login = await fetch('/login', {method: 'POST', body: user});
						const answer = await fetch('/api/signet-identity');
						const text = await answer.text();
						if (!login.ok || !answer.ok) return {failed: `login ${login.status} ${await login.text()}; route ${answer.status} ${text}`};
						const body = JSON.parse(text);
						await Signet.init({clientToken, apiHost});
						const result = await Signet.identifyUser(body.userId, {}, {hash: body.hash, expiration: body.expiration});
						return {body, result, identity: Signet.getIdentity()};
					},
					{apiHost: api.url, clientToken: CLIENT, user: USER},
				);
				expect(seen.failed).toBeUndefined();
				remember(seen.body.hash);

				expect(seen.body).toEqual({userId: USER, hash: expect.stringMatching(/^[\da-f]{64}$/), expiration: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)});
				expect(Date.parse(seen.body.expiration)).toBeGreaterThan(Date.now());
				expect(seen.result).toMatchObject({userId: USER, verified: true});
				expect(seen.identity).toMatchObject({status: 'verified', userId: USER});
			});
		});
	}
});

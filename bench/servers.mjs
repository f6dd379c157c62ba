// The two loopback servers every browser measurement uses: the page server
// (HTML and dist/signet.umd.js, on one port) and the reference API from
// dist/server.mjs (on another port, so every call is cross-origin as on a
// customer's site). The API counts what reaches it; the page server can hold
// the UMD back until the bench says go.
import {readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {createIdentityHandler, signIdentity, startServer} from '../dist/server.mjs';
import {CLIENT_TOKEN, SECRET} from './api-users.mjs';

const dist = (name) => new URL(`../dist/${name}`, import.meta.url);

export {CLIENT_TOKEN, SECRET};

/** The snippet customers paste, pointed at this server's copy of the UMD. */
export const snippet = (umdUrl) => readFileSync(dist('snippet.min.js'), 'utf8').replace('SIGNET_UMD_URL', umdUrl);

/** A signed identity for `userId`, as the customer's backend would hand it to the page. */
export const signed = (userId) => signIdentity(userId, SECRET).hash;

/**
 * Serves `pages` (path → HTML) and /signet.umd.js, never cached so every
 * load evaluates the file cold. `holdUmd()` makes the next UMD request wait:
 * it answers `{arrived, release}`. `expect(path)` resolves when the page
 * next requests `path` (the page's way to say it is done).
 */
export async function startPageServer(pages = new Map()) {
	const umd = readFileSync(dist('signet.umd.js'));
	let hold;
	const signals = new Map();
	const server = createServer((request, response) => {
		const {pathname} = new URL(request.url ?? '/', 'http://127.0.0.1');
		const signal = signals.get(pathname);
		if (signal) {
			signals.delete(pathname);
			response.writeHead(204).end();
			signal();
			return;
		}

		if (pathname === '/signet.umd.js') {
			const send = () => {
				response.writeHead(200, {'content-type': 'text/javascript', 'cache-control': 'no-store'});
				response.end(umd);
			};
			if (hold) {
				const held = hold;
				hold = undefined;
				held.arrive(send);
			} else {
				send();
			}

			return;
		}

		const html = pages.get(pathname);
		response.writeHead(html === undefined ? 404 : 200, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store'});
		response.end(html ?? 'not found');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${server.address().port}`;
	return {
		origin,
		pages,
		expect: (path) =>
			new Promise((resolve) => {
				signals.set(path, resolve);
			}),
		holdUmd() {
			let arrive;
			const arrived = new Promise((resolve) => {
				arrive = resolve;
			});
			let release;
			hold = {arrive: (send) => arrive((release = send))};
			return {arrived: arrived.then(() => undefined), release: () => release()};
		},
		close: () =>
			new Promise((resolve) => {
				server.close(resolve);
				server.closeAllConnections();
			}),
	};
}

/**
 * Starts the reference API for one page origin, in enforcing mode, with no
 * rate limit (the memory run sends thousands of calls). `requests` lists
 * every request that reached it (`{method, path}`); `onIdentify`, when set,
 * runs before an identify call is answered.
 */
export async function startApi(pageOrigin) {
	const handler = createIdentityHandler({
		clients: {[CLIENT_TOKEN]: {secrets: [SECRET], enforce: true, allowedOrigins: [pageOrigin], variables: (userId) => ({greeting: `hi ${userId}`})}},
		rateLimit: {max: Infinity, windowMs: 60_000, perUser: Infinity, perIp: Infinity},
	});
	const api = {
		requests: [],
		onIdentify: undefined,
		count(from = 0) {
			const seen = api.requests.slice(from);
			return {identify: seen.filter((r) => r.method === 'POST' && r.path === '/v1/identify').length, preflight: seen.filter((r) => r.method === 'OPTIONS').length, all: seen.length};
		},
	};
	const server = await startServer(async (request) => {
		const path = new URL(request.url).pathname;
		api.requests.push({method: request.method, path});
		if (api.onIdentify && request.method === 'POST' && path === '/v1/identify') {
			await api.onIdentify();
		}

		return handler(request);
	});
	return Object.assign(api, {url: server.url, close: () => server.close()});
}

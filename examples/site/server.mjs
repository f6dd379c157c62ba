// The example customer's backend: a fake login, the one endpoint that signs
// the logged-in user for Signet, and the pages. The private key lives in
// this process only: no page, asset or log line ever holds it (or a hash).
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {createServer} from 'node:http';
import {dirname, extname, join, resolve, sep} from 'node:path';
import {fileURLToPath} from 'node:url';
import {asyncSnippet, signIdentity, signIdentityToken, subresourceIntegrity} from '../../dist/server.mjs';
import {USERS, userByLogin} from './users.mjs';

const SITE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(SITE, '../..');
const COOKIE = 'demo_user';

/** Where the page gets the script-tag build; the snippet's SIGNET_UMD_URL becomes this. */
export const UMD_PATH = '/dist/signet.umd.js';

// Pages are templates: the server fills in the CSP nonce, the public client
// token, the API's address and (index.html) the async snippet.
const PAGES = new Map([
	['/', 'index.html'],
	['/index.html', 'index.html'],
	['/esm.html', 'esm.html'],
]);
const ASSETS = new Set(['/app.js', '/esm.js', '/style.css', '/favicon.svg']);
// Built files and ky (the ESM build's one dependency) are served from the
// repository; anything else there (the server build, examples/*.mjs) is not.
const MOUNTS = [
	{prefix: '/dist/', directory: join(ROOT, 'dist'), allow: /^signet\.(umd\.js|mjs)(\.map)?$/},
	{prefix: '/node_modules/ky/distribution/', directory: join(ROOT, 'node_modules/ky/distribution'), allow: /\.js(\.map)?$/},
];
const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.map': 'application/json; charset=utf-8',
};
// An expiring hash lives between 5 s and a day.
const TTL_RANGE = [5, 86_400];
// Step 5 signs on purpose as a careless backend would: each way is a mistake
// the API recognises and names as a hint (README, "Turning enforcement on safely").
const MISTAKES = {
	user_id_number_format: (secret, userId) => hmac(secret, `0${userId}`),
	key_encoding: (secret, userId) => hmac(Buffer.from(secret, 'base64'), userId),
	key_and_message_swapped: (secret, userId) => hmac(userId, secret),
};

/**
 * Starts the example customer site on loopback.
 *
 * @param {{apiUrl: string, secret: string, tokenSecret: string, adminKey?: string, clientToken?: string, cookieKey?: string | Buffer, port?: number, host?: string, log?: (line: string) => void}} options
 *   `apiUrl`: the identity API the page talks to (its `apiHost`); `secret`: the client's hash key and `tokenSecret` its token key (a key has one use), used here only to sign;
 *   `adminKey`: the client's admin key, with which this backend reads the API's readiness report for the page's panel;
 *   `cookieKey`: the key that signs the login cookie (random per start by default, which logs everyone out on a restart).
 * @returns {Promise<{url: string, port: number, close(): Promise<void>}>}
 * @example
 * const site = await startSite({apiUrl: 'http://127.0.0.1:8787', secret: process.env.SIGNET_SECRET, tokenSecret: process.env.SIGNET_TOKEN_SECRET, port: 8080});
 */
export async function startSite({apiUrl, secret, tokenSecret, adminKey, clientToken = 'ct_demo', cookieKey = randomBytes(32), port = 0, host = '127.0.0.1', log = () => {}}) {
	if (typeof apiUrl !== 'string' || !/^https?:\/\//.test(apiUrl)) {
		throw new TypeError('startSite needs apiUrl, the http(s) address of the identity API');
	}

	if (typeof secret !== 'string' || secret === '') {
		throw new TypeError('startSite needs secret, the private key that signs user ids');
	}

	if (typeof tokenSecret !== 'string' || tokenSecret === '') {
		throw new TypeError('startSite needs tokenSecret, the private key that signs identity tokens (never the hash key)');
	}

	if (!(typeof cookieKey === 'string' || Buffer.isBuffer(cookieKey)) || cookieKey.length === 0) {
		throw new TypeError('startSite needs cookieKey, when given, as a non-empty string or Buffer');
	}

	const config = {apiUrl: apiUrl.replace(/\/+$/, ''), apiOrigin: new URL(apiUrl).origin, secret, tokenSecret, adminKey, clientToken, cookieKey, log};
	const server = createServer((request, response) => {
		handle(request, response, config).catch((error) => {
			log(`site: ${request.method} ${pathOf(request)} failed: ${error?.name ?? 'Error'}`);
			if (!response.headersSent) {
				send(response, 500, {error: 'server_error'});
			} else {
				response.destroy();
			}
		});
	});
	await new Promise((resolvePromise, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolvePromise();
		});
	});
	const address = server.address();
	return {
		url: `http://${address.address}:${address.port}`,
		port: address.port,
		close: () =>
			new Promise((resolvePromise, reject) => {
				server.close((error) => (error ? reject(error) : resolvePromise()));
				server.closeAllConnections();
			}),
	};
}

async function handle(request, response, config) {
	const pathname = pathOf(request);
	const method = request.method ?? 'GET';
	const read = method === 'GET' || method === 'HEAD';

	if (pathname === '/api/signet-identity' && read) {
		return signedIdentity(request, response, config);
	}

	if (pathname === '/api/readiness' && read) {
		return readiness(response, config);
	}

	if (pathname === '/api/signet-token' && read) {
		return signedToken(request, response, config);
	}

	if (pathname === '/api/me' && read) {
		const user = currentUser(request, config);
		return send(response, 200, {user: user ? publicUser(user) : null});
	}

	if (pathname === '/api/login' && method === 'POST') {
		return login(request, response, config);
	}

	if (pathname === '/api/logout' && method === 'POST') {
		if (!sameOrigin(request)) {
			return send(response, 403, {error: 'cross_origin'});
		}

		config.log('site: logout');
		return send(response, 200, {user: null}, {'Set-Cookie': `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`});
	}

	if (!read) {
		return send(response, 405, {error: 'method_not_allowed'}, {Allow: 'GET, HEAD'});
	}

	if (PAGES.has(pathname)) {
		return page(response, PAGES.get(pathname), config, method);
	}

	if (ASSETS.has(pathname)) {
		return file(response, join(SITE, pathname.slice(1)), method);
	}

	for (const {prefix, directory, allow} of MOUNTS) {
		if (pathname.startsWith(prefix)) {
			const path = resolve(directory, '.' + sep + pathname.slice(prefix.length));
			// Inside the directory, and a file name the mount allows: no ../ escape.
			if (path.startsWith(directory + sep) && allow.test(path.slice(directory.length + 1).split(sep).join('/'))) {
				return file(response, path, method);
			}
		}
	}

	return send(response, 404, {error: 'not_found'});
}

// The endpoint the page asks for the logged-in user's signed identity:
// the only place the private key is used. ?ttl=N signs a hash that expires
// in N seconds (refreshIdentity asks again before then).
function signedIdentity(request, response, config) {
	const {secret, log} = config;
	const user = currentUser(request, config);
	if (!user) {
		return send(response, 401, {error: 'not_logged_in'});
	}

	const query = new URL(request.url ?? '/', 'http://site.invalid').searchParams;
	const mistake = query.get('mistake');
	if (mistake !== null) {
		if (!Object.hasOwn(MISTAKES, mistake)) {
			return send(response, 400, {error: 'invalid_mistake', message: `mistake must be one of: ${Object.keys(MISTAKES).join(', ')}`});
		}

		log(`site: signed user ${user.id} with the mistake ${mistake} (step 5)`);
		return send(response, 200, {userId: String(user.id), hash: MISTAKES[mistake](secret, String(user.id))});
	}

	const ttlText = query.get('ttl');
	let expiration;
	if (ttlText !== null) {
		const ttl = Number(ttlText);
		if (!Number.isInteger(ttl) || ttl < TTL_RANGE[0] || ttl > TTL_RANGE[1]) {
			return send(response, 400, {error: 'invalid_ttl', message: `ttl must be a whole number of seconds from ${TTL_RANGE[0]} to ${TTL_RANGE[1]}`});
		}

		expiration = new Date(Date.now() + ttl * 1000);
	}

	const signed = signIdentity(user.id, secret, {expiration});
	log(`site: signed user ${signed.userId}${signed.expiration ? ` until ${signed.expiration}` : ''}`);
	return send(response, 200, signed);
}

// The readiness report, read with the admin key on this backend (the key
// never reaches a page) and passed on without the failing user ids: the
// page shows counts per code, per hint, and the verdict.
async function readiness(response, {apiUrl, adminKey, clientToken}) {
	if (!adminKey) {
		return send(response, 404, {error: 'not_configured'});
	}

	const answer = await fetch(`${apiUrl}/v1/readiness?clientToken=${encodeURIComponent(clientToken)}`, {headers: {Authorization: `Bearer ${adminKey}`}});
	if (!answer.ok) {
		return send(response, 502, {error: 'readiness_unavailable', status: answer.status});
	}

	const {total, byCode, byHint, hours, safeToEnforce} = await answer.json();
	return send(response, 200, {total, byCode, byHint, hours, safeToEnforce});
}

// Step 4: an identity token that signs the user's plan with the id, so the
// page cannot give itself another one. For this API only (aud), for an hour.
async function signedToken(request, response, config) {
	const {tokenSecret, clientToken, log} = config;
	const user = currentUser(request, config);
	if (!user) {
		return send(response, 401, {error: 'not_logged_in'});
	}

	const token = await signIdentityToken({userId: user.id, attributes: {plan: user.plan}}, tokenSecret, {
		audience: clientToken,
		expiration: new Date(Date.now() + 60 * 60 * 1000),
	});
	log(`site: signed a token for user ${user.id} with plan ${user.plan}`);
	return send(response, 200, {userId: String(user.id), token});
}

async function login(request, response, {cookieKey, log}) {
	// JSON only and same origin: another site cannot log a visitor in.
	if (!sameOrigin(request) || !/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
		return send(response, 403, {error: 'cross_origin'});
	}

	let login;
	try {
		login = JSON.parse(await readBody(request, 1024))?.login;
	} catch {}

	const user = typeof login === 'string' ? userByLogin(login) : undefined;
	if (!user) {
		return send(response, 400, {error: 'unknown_user', message: `log in as one of: ${USERS.map((entry) => entry.login).join(', ')}`});
	}

	log(`site: login ${user.login} (user ${user.id})`);
	return send(response, 200, {user: publicUser(user)}, {'Set-Cookie': `${COOKIE}=${loginCookie(user.login, cookieKey)}; Path=/; HttpOnly; SameSite=Lax`});
}

async function page(response, name, {apiUrl, apiOrigin, clientToken}, method) {
	const nonce = randomBytes(16).toString('base64');
	// Pinned with Subresource Integrity: the browser runs only the signet.umd.js this snippet was made for.
	const snippet = asyncSnippet(UMD_PATH, {integrity: subresourceIntegrity(await readFile(join(ROOT, 'dist/signet.umd.js')))});
	const values = {nonce, clientToken, apiHost: apiUrl, snippet};
	const html = (await readFile(join(SITE, name), 'utf8')).replace(/\{\{(\w+)\}\}/g, (match, key) => {
		if (!(key in values)) {
			return match;
		}

		// The snippet is code for a <script> element; the rest are attribute values.
		return key === 'snippet' ? values.snippet.replaceAll('</', '<\\/') : escapeAttribute(values[key]);
	});
	const csp = [
		"default-src 'none'",
		`script-src 'self' 'nonce-${nonce}'`,
		"style-src 'self'",
		"img-src 'self'",
		`connect-src 'self' ${apiOrigin}`,
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	].join('; ');
	return send(response, 200, html, {'Content-Type': TYPES['.html'], 'Content-Security-Policy': csp, 'Referrer-Policy': 'no-referrer'}, method);
}

async function file(response, path, method) {
	let content;
	try {
		content = await readFile(path);
	} catch (error) {
		if (error?.code === 'ENOENT' || error?.code === 'EISDIR') {
			return send(response, 404, {error: 'not_found'});
		}

		throw error;
	}

	return send(response, 200, content, {'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream'}, method);
}

function send(response, status, body, headers = {}, method = 'GET') {
	const isJson = typeof body === 'object' && !(body instanceof Uint8Array);
	const payload = isJson ? JSON.stringify(body) : body;
	response.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Cache-Control': 'no-store',
		'X-Content-Type-Options': 'nosniff',
		...headers,
	});
	response.end(method === 'HEAD' ? undefined : payload);
}

function hmac(key, message) {
	return createHmac('sha256', key).update(message).digest('hex');
}

// The login cookie is `<login>.<HMAC-SHA256 of it, base64url>`: whoever sets
// the cookie by hand to another login gets no one's signature, because only
// this server can make the MAC. Anything that does not verify is logged out.
function loginCookie(login, cookieKey) {
	return `${login}.${cookieMac(login, cookieKey)}`;
}

function cookieMac(login, cookieKey) {
	return createHmac('sha256', cookieKey).update(`${COOKIE}\n${login}`).digest('base64url');
}

function currentUser(request, {cookieKey}) {
	const cookie = request.headers.cookie ?? '';
	const value = cookie
		.split(';')
		.map((part) => part.trim().split('='))
		.find(([name]) => name === COOKIE)?.[1];
	const dot = value?.lastIndexOf('.') ?? -1;
	if (dot < 1) {
		return undefined;
	}

	const login = value.slice(0, dot);
	const given = Buffer.from(value.slice(dot + 1));
	const expected = Buffer.from(cookieMac(login, cookieKey));
	return given.length === expected.length && timingSafeEqual(given, expected) ? userByLogin(login) : undefined;
}

function publicUser({login, id, name, email, plan}) {
	return {login, id, name, email, plan};
}

// A browser sends Origin on every POST; it must be this site.
function sameOrigin(request) {
	const origin = request.headers.origin;
	return origin === undefined || origin === `http://${request.headers.host}`;
}

function pathOf(request) {
	try {
		const path = decodeURIComponent(new URL(request.url ?? '/', 'http://site.invalid').pathname);
		return path.includes('\0') ? '/?' : path;
	} catch {
		return '/?';
	}
}

async function readBody(request, limit) {
	let text = '';
	for await (const chunk of request) {
		text += chunk;
		if (text.length > limit) {
			throw new RangeError('request body too large');
		}
	}

	return text;
}

function escapeAttribute(value) {
	return String(value).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

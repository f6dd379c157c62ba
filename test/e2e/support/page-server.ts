// The customer's web server in the browser suites: serves the built SDK
// (/dist/*), ky for the ESM page (/node_modules/ky/*), one inline HTML page
// per test, a login (POST /login) and /sign, the customer's backend signing
// the logged-in user with signIdentity. Tests can hold a path's answer until
// they release it, and count requests.
import {randomUUID} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {extname, resolve, sep} from 'node:path';
import {fileURLToPath} from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// Only these folders of the repository are served, and nothing above them.
const SERVED = [resolve(ROOT, 'dist'), resolve(ROOT, 'node_modules/ky')];

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
};

/** The login cookie's name: its value is a session id that only this server can map to a user. */
export const SESSION_COOKIE = 'e2e_session';

/** What a test registers at a path: a body, its type and extra headers (a CSP). */
type Content = {body: string | Buffer; type: string; headers: Record<string, string>};

/** A path whose answer waits until the test releases it. */
export type Hold = {
	/** Resolves once a request for the path has arrived (and is waiting). */
	arrived: Promise<void>;
	release(): void;
};

/** The signing endpoint's answer: what the customer's backend gives the page. */
export type Signed = {userId: string; hash: string; expiration?: string};

export type PageServer = {
	/** The page origin, such as http://127.0.0.1:41234. */
	url: string;
	/** Serves `html` at `path` (with `headers`, e.g. a CSP) and answers its full URL. */
	page(path: string, html: string, headers?: Record<string, string>): string;
	/** Serves any body at `path`, e.g. a tampered copy of the UMD file. */
	file(path: string, body: string | Buffer, type: string): string;
	/** Holds the next request for `path` until `release()`. */
	hold(path: string): Hold;
	/** How many requests asked for `path` (query string ignored) since the last reset. */
	count(path: string): number;
	/** Forgets the counts (each test starts from zero). */
	reset(): void;
	close(): Promise<void>;
};

/**
 * Starts the page server on 127.0.0.1, port 0. POST /login with a user id
 * as its body logs the browser in (a session cookie, as the customer's own
 * login would); `sign(userId, ttlSeconds)` then answers GET /sign?ttl=… for
 * that user only (ttl optional: no expiration). /sign takes no user id: one
 * that signed whatever id the page named would let anyone sign as anyone.
 * Without a login it answers 401.
 */
export async function startPageServer({sign}: {sign: (userId: string, ttlSeconds?: number) => Signed}): Promise<PageServer> {
	const pages = new Map<string, Content>();
	// Session id → user id, as the customer's session store.
	const sessions = new Map<string, string>();
	const holds = new Map<string, {gate: Promise<void>; arrive: () => void}>();
	const releases: Array<() => void> = [];
	const counts = new Map<string, number>();

	const answer = async (request: IncomingMessage, response: ServerResponse) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname;
		counts.set(path, (counts.get(path) ?? 0) + 1);
		const hold = holds.get(path);
		if (hold) {
			holds.delete(path);
			hold.arrive();
			await hold.gate;
		}

		if (path === '/login' && request.method === 'POST') {
			const session = randomUUID();
			sessions.set(session, await readBody(request));
			response.writeHead(204, {'cache-control': 'no-store', 'set-cookie': `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`}).end();
			return;
		}

		if (path === '/sign') {
			const user = sessions.get(cookie(request, SESSION_COOKIE) ?? '');
			if (user === undefined) {
				response.writeHead(401, {'content-type': TYPES['.json'], 'cache-control': 'no-store'}).end(JSON.stringify({error: 'not_logged_in'}));
				return;
			}

			const ttl = url.searchParams.get('ttl');
			response.writeHead(200, {'content-type': TYPES['.json'], 'cache-control': 'no-store'});
			response.end(JSON.stringify(sign(user, ttl === null ? undefined : Number(ttl))));
			return;
		}

		const content = pages.get(path) ?? served(path);
		if (!content) {
			response.writeHead(path === '/favicon.ico' ? 204 : 404, {'cache-control': 'no-store'}).end();
			return;
		}

		response.writeHead(200, {'content-type': content.type, 'cache-control': 'no-store', ...content.headers});
		response.end(content.body);
	};

	const server = createServer((request, response) => {
		answer(request, response).catch(() => response.destroy());
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		url: origin,
		page(path, html, headers = {}) {
			pages.set(path, {body: html, type: TYPES['.html'], headers});
			return origin + path;
		},
		file(path, body, type) {
			pages.set(path, {body, type, headers: {}});
			return origin + path;
		},
		hold(path) {
			let release!: () => void;
			let arrive!: () => void;
			const gate = new Promise<void>((done) => (release = done));
			const arrived = new Promise<void>((done) => (arrive = done));
			holds.set(path, {gate, arrive});
			releases.push(release);
			return {arrived, release};
		},
		count: (path) => counts.get(path) ?? 0,
		reset: () => counts.clear(),
		close: () =>
			new Promise<void>((done) => {
				releases.forEach((release) => release());
				server.close(() => done());
				server.closeAllConnections();
			}),
	};
}

function cookie(request: IncomingMessage, name: string): string | undefined {
	for (const part of (request.headers.cookie ?? '').split(';')) {
		const [key, ...value] = part.trim().split('=');
		if (key === name) {
			return value.join('=');
		}
	}

	return undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
	let text = '';
	for await (const chunk of request) {
		text += chunk;
	}

	return text;
}

function served(path: string): Content | undefined {
	const [prefix, folder] = path.startsWith('/dist/') ? ['/dist/', SERVED[0]] : path.startsWith('/node_modules/ky/') ? ['/node_modules/ky/', SERVED[1]] : [];
	if (!prefix || !folder) {
		return undefined;
	}

	const file = resolve(folder, decodeURIComponent(path.slice(prefix.length)));
	if (!file.startsWith(folder + sep)) {
		return undefined;
	}

	try {
		return {body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream', headers: {}};
	} catch {
		return undefined;
	}
}

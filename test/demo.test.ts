// `npm run demo`: the reference API and the example customer site, started
// in-process from examples/ (which imports the built dist/server.mjs), and
// the command itself, stopped with SIGINT.
import {spawn} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {request as httpRequest} from 'node:http';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type RunningDemo, startDemo} from '../examples/demo.mjs';
import {asyncSnippet, subresourceIntegrity} from '../src/server/index';

const SECRET = 'sk_demo_test_V7r2Qp9sLx4Nw8Kd';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAX_CRAWL = 200;

let demo: RunningDemo;
const logs: string[] = [];

beforeAll(async () => {
	demo = await startDemo({apiPort: 0, sitePort: 0, secret: SECRET, log: (line) => logs.push(line)});
});

afterAll(async () => {
	await demo?.close();
});

/** Logs in to the example site; answers the Cookie header to send. */
async function logIn(login: string): Promise<string> {
	const response = await fetch(`${demo.siteUrl}/api/login`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({login})});
	expect(response.status).toBe(200);
	return response.headers.getSetCookie()[0].split(';')[0];
}

async function signedIdentity(cookie: string, query = ''): Promise<{userId: string; hash: string; expiration?: string}> {
	const response = await fetch(`${demo.siteUrl}/api/signet-identity${query}`, {headers: {Cookie: cookie}});
	expect(response.status).toBe(200);
	return response.json();
}

/** POST /v1/identify as the SDK sends it, from the site's origin. */
function identify(fields: Record<string, unknown>): Promise<Response> {
	const body = {clientToken: demo.clientToken, anonymousId: randomUUID(), messageId: randomUUID(), sentAt: new Date().toISOString(), ...fields};
	return fetch(`${demo.apiUrl}/v1/identify`, {
		method: 'POST',
		headers: {'Content-Type': 'text/plain;charset=UTF-8', Origin: demo.siteUrl},
		body: JSON.stringify(body),
	});
}

/** GET with the path sent exactly as written (fetch would normalise ../). */
function rawGet(base: string, path: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const request = httpRequest(base, {path, method: 'GET'}, (response) => {
			response.resume();
			resolve(response.statusCode ?? 0);
		});
		request.on('error', reject);
		request.end();
	});
}

/** The same-origin paths a page or script refers to: src/href, the snippet's UMD, import map entries, relative imports. */
function referencesIn(text: string, from: string): string[] {
	const found = [
		...[...text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]),
		...[...text.matchAll(/"(\/[^"\s]+\.m?js)"/g)].map((match) => match[1]),
		...[...text.matchAll(/(?:from|import)\s*["'](\.{1,2}\/[^"']+)["']/g)].map((match) => match[1]),
	];
	return found
		.map((reference) => new URL(reference, new URL(from, demo.siteUrl)))
		.filter((url) => url.origin === new URL(demo.siteUrl).origin)
		.map((url) => url.pathname);
}

describe('the example site and the reference API', () => {
	it('signs the logged-in user with a hash the reference API verifies', async () => {
		const cookie = await logIn('ada');
		const signed = await signedIdentity(cookie);
		expect(signed).toEqual({userId: '1042', hash: expect.stringMatching(/^[\da-f]{64}$/)});

		const response = await identify({userId: signed.userId, hash: signed.hash});
		expect(response.status).toBe(200);
		const answer = await response.json();
		expect(answer).toMatchObject({userId: '1042', verified: true, verification: 'ok', variables: {greeting: 'Welcome back, Ada!', plan: 'Pro'}});
		expect(answer.session).not.toBeNull();
	});

	it('signs an expiring hash for ?ttl= that the API verifies', async () => {
		const cookie = await logIn('grace');
		const before = Date.now();
		const signed = await signedIdentity(cookie, '?ttl=20');
		expect(signed.userId).toBe('2077');
		const expiresIn = Date.parse(signed.expiration!) - before;
		expect(expiresIn).toBeGreaterThanOrEqual(19_000);
		expect(expiresIn).toBeLessThanOrEqual(21_000);

		const response = await identify(signed);
		expect(await response.json()).toMatchObject({userId: '2077', verified: true, variables: {greeting: 'Welcome back, Grace!'}});
	});

	it('enforces verification: a tampered hash gets 403 hash_invalid', async () => {
		const signed = await signedIdentity(await logIn('ada'));
		const tampered = signed.hash.slice(0, -1) + (signed.hash.endsWith('0') ? '1' : '0');
		const response = await identify({userId: signed.userId, hash: tampered});
		expect(response.status).toBe(403);
		expect((await response.json()).error.code).toBe('hash_invalid');
	});

	it('signs the plan into a token: the page cannot upgrade itself in metadata or with updateUser (step 4)', async () => {
		const cookie = await logIn('grace');
		const response = await fetch(`${demo.siteUrl}/api/signet-token`, {headers: {Cookie: cookie}});
		expect(response.status).toBe(200);
		const {userId, token} = await response.json();
		expect(userId).toBe('2077');

		const identified = await identify({userId, token, metadata: {name: 'Grace Hopper', plan: 'enterprise'}});
		const answer = await identified.json();
		expect(answer).toMatchObject({verified: true, ignored: ['plan']});
		const update = await fetch(`${demo.apiUrl}/v1/user`, {
			method: 'POST',
			headers: {'Content-Type': 'text/plain;charset=UTF-8', Origin: demo.siteUrl, Authorization: `Bearer ${answer.session.token}`},
			body: JSON.stringify({clientToken: demo.clientToken, anonymousId: randomUUID(), messageId: randomUUID(), metadata: {plan: 'enterprise'}}),
		});
		expect(await update.json()).toMatchObject({verified: true, ignored: ['plan'], variables: {plan: 'team', greeting: 'Welcome back, Grace!'}});
		expect((await fetch(`${demo.siteUrl}/api/signet-token`)).status).toBe(401);
	});

	it('lets the site origin read the API answers (CORS)', async () => {
		const response = await identify({userId: '1042'});
		expect(response.status).toBe(403);
		expect(response.headers.get('access-control-allow-origin')).toBe(demo.siteUrl);
	});

	it('signs nothing without a login, and refuses a ttl out of range', async () => {
		expect((await fetch(`${demo.siteUrl}/api/signet-identity`)).status).toBe(401);
		const cookie = await logIn('ada');
		expect((await fetch(`${demo.siteUrl}/api/signet-identity?ttl=0`, {headers: {Cookie: cookie}})).status).toBe(400);
		expect((await fetch(`${demo.siteUrl}/api/signet-identity?ttl=abc`, {headers: {Cookie: cookie}})).status).toBe(400);
	});

	it('names each signing mistake of step 5 as a hint, and its readiness panel counts them with the verdict', async () => {
		const cookie = await logIn('ada');
		const report = async () => (await fetch(`${demo.siteUrl}/api/readiness`)).json();
		const before = await report();
		const mistakes = ['user_id_number_format', 'key_encoding', 'key_and_message_swapped'];
		for (const mistake of mistakes) {
			const signed = await signedIdentity(cookie, `?mistake=${mistake}`);
			const response = await identify(signed);
			expect(response.status).toBe(403);
			expect((await response.json()).error).toMatchObject({code: 'hash_invalid', hint: mistake, message: expect.stringMatching(/^the (hash|expiration) was signed/)});
		}

		const signed = await signedIdentity(cookie);
		expect((await identify(signed)).status).toBe(200);

		const after = await report();
		expect(Object.keys(after).sort()).toEqual(['byCode', 'byHint', 'hours', 'safeToEnforce', 'total']);
		expect(after.total - before.total).toBe(4);
		expect((after.byCode.ok ?? 0) - (before.byCode.ok ?? 0)).toBe(1);
		expect(after.byCode.hash_invalid - (before.byCode.hash_invalid ?? 0)).toBe(3);
		for (const mistake of mistakes) {
			expect(after.byHint[mistake] - (before.byHint[mistake] ?? 0)).toBe(1);
		}

		expect(after).toMatchObject({hours: 24, safeToEnforce: false});
		expect((await fetch(`${demo.siteUrl}/api/signet-identity?mistake=toString`, {headers: {Cookie: cookie}})).status).toBe(400);
	});

	it('gives a forged login cookie no signed identity: naming another user by hand is being logged out', async () => {
		const ada = await logIn('ada');
		const mac = ada.slice('demo_user=ada.'.length);
		// First the cookie anyone can write by hand, then Ada's MAC moved to Grace, cut, lengthened, or followed by more.
		const forged = ['demo_user=grace', `demo_user=grace.${mac}`, 'demo_user=grace.', `demo_user=ada.${mac.slice(0, -1)}`, `demo_user=ada.${mac}x`, `demo_user=ada.${mac}.grace`];
		for (const cookie of forged) {
			expect((await fetch(`${demo.siteUrl}/api/signet-identity`, {headers: {Cookie: cookie}})).status, cookie).toBe(401);
			expect((await fetch(`${demo.siteUrl}/api/signet-token`, {headers: {Cookie: cookie}})).status, cookie).toBe(401);
			expect(await (await fetch(`${demo.siteUrl}/api/me`, {headers: {Cookie: cookie}})).json(), cookie).toEqual({user: null});
		}

		// The genuine cookie, the login and its MAC, still signs its own user.
		expect(ada).toMatch(/^demo_user=ada\.[\w-]{43}$/);
		expect((await signedIdentity(ada)).userId).toBe('1042');
	});

	it('refuses a login posted from another origin', async () => {
		const response = await fetch(`${demo.siteUrl}/api/login`, {
			method: 'POST',
			headers: {'Content-Type': 'application/json', Origin: 'https://evil.example'},
			body: JSON.stringify({login: 'ada'}),
		});
		expect(response.status).toBe(403);
		expect(response.headers.getSetCookie()).toEqual([]);
	});
});

describe('the pages', () => {
	it('puts the async snippet into the page with the address of the served UMD, pinned with its integrity', async () => {
		const page = await (await fetch(demo.siteUrl)).text();
		const integrity = subresourceIntegrity(await readFile(`${ROOT}dist/signet.umd.js`));
		expect(page).toContain(asyncSnippet('/dist/signet.umd.js', {integrity, code: await readFile(`${ROOT}dist/snippet.min.js`, 'utf8')}));
		expect(page).toContain(`.integrity="${integrity}"`);
		expect(page).not.toContain('SIGNET_UMD_URL');
		expect((await fetch(`${demo.siteUrl}/dist/signet.umd.js`)).status).toBe(200);
	});

	it('shows step 5 (monitor, fix what the hints name, enforce) and the readiness panel', async () => {
		const page = await (await fetch(demo.siteUrl)).text();
		for (const id of ['step-enforce', 'mistake-form', 'mistake-kind', 'readiness', 'readiness-verdict', 'readiness-codes', 'readiness-hints', 'readiness-button']) {
			expect(page).toContain(`id="${id}"`);
		}

		expect(page).toMatch(/Monitor.*Fix what the hints name.*Enforce/s);
		const script = await (await fetch(`${demo.siteUrl}/app.js`)).text();
		expect(script).toContain("backend('/api/readiness')");
	});

	it('sends a CSP that allows the API and only the inline scripts carrying its nonce', async () => {
		for (const path of ['/', '/esm.html']) {
			const response = await fetch(`${demo.siteUrl}${path}`);
			const csp = response.headers.get('content-security-policy') ?? '';
			const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
			expect(csp).toContain(`connect-src 'self' ${demo.apiUrl}`);
			expect(csp).not.toContain('unsafe-inline');
			expect(csp).not.toContain('unsafe-eval');
			const page = await response.text();
			const inlineScripts = [...page.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((match) => match[1]);
			expect(inlineScripts.length).toBe(1);
			expect(inlineScripts.every((attributes) => attributes.includes(`nonce="${nonce}"`))).toBe(true);
			expect(page).not.toMatch(/\sstyle=/);
		}
	});

	it('never serves the private key: no page, asset or answer holds it', async () => {
		const cookie = await logIn('ada');
		const queue = ['/', '/esm.html', '/api/signet-identity', '/api/signet-identity?ttl=20', '/api/signet-token', '/api/me', '/api/readiness'];
		const seen = new Set<string>();
		for (let index = 0; index < queue.length && index < MAX_CRAWL; index++) {
			const path = queue[index];
			if (seen.has(path)) {
				continue;
			}

			seen.add(path);
			const response = await fetch(`${demo.siteUrl}${path}`, {headers: {Cookie: cookie}});
			expect(response.status, path).toBe(200);
			const text = await response.text();
			expect(text, path).not.toContain(SECRET);
			// Nor the admin key with which the backend reads the readiness report.
			expect(text, path).not.toContain('ak_demo_');
			expect([...response.headers.values()].join('\n'), path).not.toContain(SECRET);
			if (/\.(html|m?js)$|\/$/.test(path)) {
				queue.push(...referencesIn(text, path).filter((reference) => !seen.has(reference)));
			}
		}

		// The crawl reached the pages' scripts, both SDK builds and ky's own modules.
		expect([...seen]).toEqual(
			expect.arrayContaining(['/app.js', '/esm.js', '/style.css', '/dist/signet.umd.js', '/node_modules/ky/distribution/index.js', '/node_modules/ky/distribution/core/Ky.js']),
		);
		expect(seen.size).toBeLessThan(MAX_CRAWL);
	});

	it('serves nothing else from the repository', async () => {
		for (const path of ['/dist/server.mjs', '/dist/server.cjs', '/dist/%2e%2e/package.json', '/dist/..%2fexamples/demo.mjs', '/examples/demo.mjs', '/server.mjs', '/site/server.mjs', '/users.mjs', '/node_modules/ky/package.json', '/node_modules/ky/distribution/../package.json']) {
			expect(await rawGet(demo.siteUrl, path), path).toBe(404);
		}
	});

	it('writes no private key and no hash in its log lines', async () => {
		const signed = await signedIdentity(await logIn('grace'));
		await identify({userId: signed.userId, hash: signed.hash});
		const records = logs.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
		expect(records).toContainEqual(expect.objectContaining({route: 'identify', status: 200, outcome: 'ok', clientToken: demo.clientToken}));
		expect(logs.some((line) => line.startsWith('site:'))).toBe(true);
		expect(logs.join('\n')).not.toContain(SECRET);
		expect(logs.join('\n')).not.toContain('ak_demo_');
		expect(logs.join('\n')).not.toContain(signed.hash);
	});
});

describe('node examples/demo.mjs', () => {
	it('prints the address to open, serves it, and stops with exit code 0 on SIGINT', async () => {
		const child = spawn(process.execPath, ['examples/demo.mjs', '--port', '0', '--api-port', '0'], {cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']});
		const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
		try {
			let output = '';
			const siteUrl = await new Promise<string>((resolve, reject) => {
				child.stdout.on('data', (chunk: Buffer) => {
					output += chunk;
					const url = /^Open (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output)?.[1];
					if (url) {
						resolve(url);
					}
				});
				void exited.then((code) => reject(new Error(`the demo exited (${code}) before it was ready:\n${output}`)));
			});
			expect(output).toMatch(/Identity API +http:\/\/127\.0\.0\.1:\d+ +reference API, enforcement on/);
			expect((await fetch(siteUrl)).status).toBe(200);
			// The control plane is on, with the owner key made for this run printed once.
			const [, adminUrl, ownerKey] = /Admin API +(http:\/\/127\.0\.0\.1:\d+\/v1\/admin\/) +owner key (sok_[\w-]+)/.exec(output) ?? [];
			expect(await (await fetch(`${adminUrl}me`, {headers: {Authorization: `Bearer ${ownerKey}`}})).json()).toEqual({credential: {id: 'owner', name: 'owner', role: 'owner'}});
			expect((await fetch(`${adminUrl}me`, {headers: {Authorization: 'Bearer sok_wrong'}})).status).toBe(401);
			// The console is the second address, after the site's, in the list and in what to open.
			const addresses = [...output.matchAll(/^ {2}\S.*? {2,}(http:\/\/\S+)/gm)].map((match) => match[1]);
			expect(addresses.slice(0, 2)).toEqual([siteUrl, `${new URL(adminUrl).origin}/console`]);
			expect(output).toContain(`Open ${siteUrl}\nThen ${new URL(adminUrl).origin}/console\n`);
			const consolePage = await fetch(`${new URL(adminUrl).origin}/console`);
			expect(consolePage.status).toBe(200);
			expect(await consolePage.text()).toMatch(/<script type="module" src="console\/assets\/console\.[\da-f]{12}\.js">/);
			// The metrics URL it prints answers Prometheus text to the owner key, and its answers are logged as JSON lines.
			const metricsUrl = /Metrics +(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(output)?.[1];
			const metrics = await fetch(metricsUrl!, {headers: {Authorization: `Bearer ${ownerKey}`}});
			expect(await metrics.text()).toMatch(/^signet_http_requests_total\{route="admin",status="200"\} 1$/m);
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(output).toMatch(/^\{"time":"[^"]+","level":"info","requestId":"[\w-]+","route":"admin","method":"GET","status":200,/m);

			child.kill('SIGINT');
			expect(await exited).toBe(0);
			await expect(fetch(siteUrl)).rejects.toThrow();
		} finally {
			child.kill('SIGKILL');
		}
	});
});

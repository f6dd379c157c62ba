// Request budgets, counted where requests arrive: the reference API on one
// loopback port, the page (dist/signet.umd.js by script tag) on another, so
// every call is cross-origin as on a customer's site. Budgets: one request
// and no CORS preflight per identity change, none for a repeat.
import {existsSync, readFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createIdentityHandler, signIdentity, startServer} from '../src/server/index';
import {browserRequired, chromiumPath, launchChromium} from './support/chromium.mjs';

const CLIENT_TOKEN = 'ct_budget';
const SECRET = 'sk_budget_Vd83nQ';
const UMD = new URL('../dist/signet.umd.js', import.meta.url);

const skip = chromiumPath() === undefined && !browserRequired;
if (skip) {
	console.warn('test/budget.test.ts: skipped, no Chromium on this machine (apt-get install chromium, or set CHROMIUM_PATH). SIGNET_REQUIRE_BROWSER=1 turns this into a failure.');
}

type Seen = {method: string; path: string};

describe.skipIf(skip)('request budgets in Chromium', () => {
	const seen: Seen[] = [];
	let browser: Browser;
	let pageServer: Server;
	let pageOrigin: string;
	let api: Awaited<ReturnType<typeof startServer>>;

	beforeAll(async () => {
		if (!existsSync(UMD)) {
			throw new Error('dist/signet.umd.js is missing: run `npm run build` (npm test builds first).');
		}

		const umd = readFileSync(UMD);
		pageServer = createServer((request, response) => {
			if (request.url === '/signet.umd.js') {
				response.writeHead(200, {'content-type': 'text/javascript'}).end(umd);
			} else {
				response.writeHead(200, {'content-type': 'text/html; charset=utf-8'}).end('<!doctype html><title>budget</title><script src="/signet.umd.js"></script>');
			}
		});
		await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
		pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;

		const handler = createIdentityHandler({clients: {[CLIENT_TOKEN]: {secrets: [SECRET], enforce: true, allowedOrigins: [pageOrigin]}}});
		api = await startServer(async (request) => {
			seen.push({method: request.method, path: new URL(request.url).pathname});
			return handler(request);
		});
		browser = await launchChromium();
	});

	afterAll(async () => {
		await browser?.close();
		await api?.close();
		if (pageServer) {
			pageServer.closeAllConnections();
			await new Promise((resolve) => pageServer.close(resolve));
		}
	});

	/** A fresh page (own context: empty storage and preflight cache) with the SDK initialised. */
	async function openPage(): Promise<Page> {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(pageOrigin);
		await page.evaluate(([clientToken, apiHost]) => (window as any).Signet.init({clientToken, apiHost}), [CLIENT_TOKEN, api.url]);
		return page;
	}

	/** Identifies each user id in one tick; every one must come back verified. */
	async function identify(page: Page, userIds: string[]): Promise<void> {
		const calls = userIds.map((userId) => [userId, signIdentity(userId, SECRET).hash]);
		const verified = await page.evaluate(async (list) => {
			const results = await Promise.all(list.map(([userId, hash]) => (window as any).Signet.identifyUser(userId, {plan: 'pro'}, {hash})));
			return results.map((result) => result.verified);
		}, calls);
		expect(verified).toEqual(userIds.map(() => true));
	}

	/** What reached the API while `action` ran. */
	async function requestsDuring(action: () => Promise<void>): Promise<{identify: number; preflight: number; all: Seen[]}> {
		const from = seen.length;
		await action();
		const all = seen.slice(from);
		return {
			identify: all.filter(({method, path}) => method === 'POST' && path === '/v1/identify').length,
			preflight: all.filter(({method}) => method === 'OPTIONS').length,
			all,
		};
	}

	it('sends exactly one request and no preflight for the first identify', async () => {
		const page = await openPage();
		try {
			const counted = await requestsDuring(() => identify(page, ['user_first']));
			expect(counted.all).toEqual([{method: 'POST', path: '/v1/identify'}]);
			expect(counted.preflight).toBe(0);
		} finally {
			await page.context().close();
		}
	});

	it('sends nothing for a repeated identical identify', async () => {
		const page = await openPage();
		try {
			await identify(page, ['user_repeat']);
			const counted = await requestsDuring(() => identify(page, ['user_repeat']));
			expect(counted.all).toEqual([]);
		} finally {
			await page.context().close();
		}
	});

	it('sends one request and no preflight when the identity changes', async () => {
		const page = await openPage();
		try {
			await identify(page, ['user_before']);
			const counted = await requestsDuring(() => identify(page, ['user_after']));
			expect(counted.all).toEqual([{method: 'POST', path: '/v1/identify'}]);
			expect(counted.preflight).toBe(0);
		} finally {
			await page.context().close();
		}
	});

	it('sends one request per identity change for calls made in one tick', async () => {
		const page = await openPage();
		try {
			// Four identity changes: a, b, a again, c; the repeats in between are free.
			const burst = ['user_a', 'user_a', 'user_a', 'user_b', 'user_b', 'user_a', 'user_a', 'user_c'];
			const counted = await requestsDuring(() => identify(page, burst));
			expect(counted.identify).toBe(4);
			expect(counted.preflight).toBe(0);
			expect(counted.all).toHaveLength(4);
		} finally {
			await page.context().close();
		}
	});
});

// The JS heap after 10,000 identify calls of rotating users, against the
// heap after the first: what the SDK keeps per call must not pile up.
import {CLIENT_TOKEN, signed} from './servers.mjs';
import {round} from './stats.mjs';

export const CALLS = 10_000;
export const USERS = 1_000;
const BATCH = 100;
// Heap readings after these many calls: the first, one round of the users
// (each seen twice), three rounds, all five.
const CHECKPOINTS = [1, 2 * USERS, 6 * USERS, CALLS];
const CONTROL_REQUESTS = 2_500;

function setUp([apiHost, clientToken, hashes]) {
	window.benchHashes = hashes;
	return window.Signet.init({clientToken, apiHost});
}

// Call k identifies user floor(k / 2) mod USERS: every user twice in a row
// (the second answered by dedupe), 1,000 users going round five times.
// Calls go in batches of 100 made in one tick.
async function identifyRange([from, to, batch]) {
	const hashes = window.benchHashes;
	for (let start = from; start < to; start += batch) {
		const calls = [];
		for (let call = start; call < Math.min(start + batch, to); call++) {
			const user = Math.floor(call / 2) % hashes.length;
			calls.push(window.Signet.identifyUser(`user_${user}`, {plan: 'pro', seats: user}, {hash: hashes[user]}));
		}

		const results = await Promise.all(calls);
		if (!results.every((result) => result.verified)) {
			throw new Error('an identify of the memory run was not verified');
		}
	}
}

// The control: bare fetch() calls of the same shape as the SDK's, with no
// SDK on the page, to tell the browser's own memory per request (DevTools'
// network records while Playwright is attached, resource timing) from the
// SDK's. Compared per request (CONTROL_REQUESTS of them keep the bench short).
async function bareFetches([apiHost, clientToken, hashes, count]) {
	for (let call = 0; call < count; call++) {
		const user = call % hashes.length;
		const body = {clientToken, anonymousId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', userId: `user_${user}`, metadata: {plan: 'pro', seats: user}, hash: hashes[user], messageId: crypto.randomUUID(), sentAt: new Date().toISOString()};
		const response = await fetch(`${apiHost}/v1/identify`, {method: 'POST', headers: {'content-type': 'text/plain;charset=UTF-8'}, body: JSON.stringify(body)});
		await response.json();
	}
}

async function heap(cdp) {
	// Twice: what the first collection's finalisers free goes in the second.
	await cdp.send('HeapProfiler.collectGarbage');
	await cdp.send('HeapProfiler.collectGarbage');
	const {usedSize, embedderHeapUsedSize} = await cdp.send('Runtime.getHeapUsage');
	return {jsBytes: usedSize, embedderBytes: embedderHeapUsedSize ?? null};
}

/**
 * JS heap (V8, after a forced GC) after the first call and after 2,000,
 * 6,000 and 10,000 calls, with the requests they took; then the same
 * for the embedder heap (Blink's objects) beside the bare-fetch control.
 */
export async function measureMemory(browser, pages, api) {
	const hashes = Array.from({length: USERS}, (_, user) => signed(`user_${user}`));
	const sdk = await measureSdk(browser, pages, api, hashes);
	return {...sdk, control: await measureBareFetches(browser, pages, api, hashes, CONTROL_REQUESTS)};
}

async function measureSdk(browser, pages, api, hashes) {
	pages.pages.set('/plain', '<!doctype html><meta charset="utf-8"><title>Signet memory</title><script src="/signet.umd.js"></script>');
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await page.goto(`${pages.origin}/plain`);
		await page.evaluate(setUp, [api.url, CLIENT_TOKEN, hashes]);
		const from = api.requests.length;
		const readings = [];
		let done = 0;
		for (const checkpoint of CHECKPOINTS) {
			await page.evaluate(identifyRange, [done, checkpoint, BATCH]);
			done = checkpoint;
			readings.push({afterCalls: checkpoint, ...(await heap(cdp))});
		}

		const requests = api.count(from);
		const first = readings[0];
		const last = readings.at(-1);
		const warm = readings[1];
		return {
			calls: CALLS,
			users: USERS,
			identifyRequests: requests.identify,
			preflights: requests.preflight,
			readings,
			heapAfterFirstCallBytes: first.jsBytes,
			heapAfterAllBytes: last.jsBytes,
			growthBytes: last.jsBytes - first.jsBytes,
			// After one round of the users every code path is warm and every
			// user id has been seen: growth from here on is what calls keep.
			growthAfterWarmUpBytes: last.jsBytes - warm.jsBytes,
			growthPerCallAfterWarmUpBytes: round((last.jsBytes - warm.jsBytes) / (CALLS - warm.afterCalls), 2),
			embedderGrowthBytes: last.embedderBytes - first.embedderBytes,
			// The first reading already includes the first call's request.
			embedderGrowthPerRequestBytes: round((last.embedderBytes - first.embedderBytes) / (requests.identify - 1), 0),
		};
	} finally {
		await context.close();
	}
}

async function measureBareFetches(browser, pages, api, hashes, count) {
	pages.pages.set('/blank', '<!doctype html><meta charset="utf-8"><title>Bare fetch</title>');
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await page.goto(`${pages.origin}/blank`);
		await page.evaluate(bareFetches, [api.url, CLIENT_TOKEN, hashes, 1]);
		const first = await heap(cdp);
		await page.evaluate(bareFetches, [api.url, CLIENT_TOKEN, hashes, count - 1]);
		const last = await heap(cdp);
		return {
			requests: count,
			jsGrowthBytes: last.jsBytes - first.jsBytes,
			embedderGrowthBytes: last.embedderBytes - first.embedderBytes,
			embedderGrowthPerRequestBytes: round((last.embedderBytes - first.embedderBytes) / (count - 1), 0),
		};
	} finally {
		await context.close();
	}
}

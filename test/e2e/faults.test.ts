// The fault matrix: whatever the network or the API does, a call either
// succeeds and is applied once on the server (retries carry the same
// messageId), or rejects with the right typed error. Nothing is lost
// silently and the page never sees an uncaught error.
import {afterAll, beforeAll, expect, it} from 'vitest';
import {createIdentityHandler, MemoryStore} from '../../src/server/index';
import {type Fault, type FaultServer, hang, reset, respond, startFaultServer} from '../support/fault-server';
import {describeBrowser, type Settled, useBrowser, type Watched} from './support/browser';
import {SECRET, sign} from './support/secrets';
import {umdPage, useStack} from './support/stack';
import {sleep, until} from './support/wait';

type Outcome = Settled & {identity: {status: string; userId: string | null; error: {name: string; code: string} | null}};

const error = (status: number, code: string) => ({error: {code, message: `injected ${status}`}});
const retryAfter = {'Retry-After': '1'};

describeBrowser('fault matrix', () => {
	const browser = useBrowser();
	const stack = useStack();
	const store = new MemoryStore();
	let api: FaultServer;
	let users = 0;
	// The next call that gets through to the reference API waits for release().
	let hold: {gate: Promise<void>; release: () => void} | undefined;
	beforeAll(async () => {
		const handler = createIdentityHandler({clients: {ct_enforce: {secrets: [SECRET], enforce: true, allowedOrigins: [stack.pages.url]}}, store});
		api = await startFaultServer({
			upstream: async (request) => {
				const held = hold;
				hold = undefined;
				await held?.gate;
				return handler(request);
			},
		});
	});
	afterAll(() => {
		hold?.release();
		return api?.close();
	});

	/** Holds the next call that reaches the API; answers the function that lets it through. */
	function holdNext(): () => void {
		let release!: () => void;
		const gate = new Promise<void>((done) => (release = done));
		hold = {gate, release};
		return release;
	}

	/** The calls of one user that reached the fault server, and how many the API applied. */
	const callsFor = (userId: string) => api.requests.filter(({body}) => body?.userId === userId);
	const appliedTo = (userId: string) => store.users('ct_enforce').find((record) => record.userId === userId)?.applied ?? 0;

	/** A page initialised against the fault server: 500 ms per attempt, 2 retries. */
	async function ready({timeoutMs = 500} = {}): Promise<Watched> {
		api.clear();
		const watched = await browser.page(stack.pages.page('/faults.html', umdPage()));
		await watched.page.evaluate(({apiHost, timeoutMs}) => (window as any).Signet.init({clientToken: 'ct_enforce', apiHost, timeoutMs, retries: 2}), {apiHost: api.url, timeoutMs});
		return watched;
	}

	/** Starts an identify for a new user; `outcome()` waits for it to settle. */
	async function start(watched: Watched) {
		const userId = `fault-${++users}`;
		const {hash} = sign(userId);
		// Not awaited here: the test acts while the call is under way.
		await watched.page.evaluate(
			({userId, hash}) => {
				(window as any).__call = (window as any).Signet.identifyUser(userId, {}, {hash});
			},
			{userId, hash},
		);
		const outcome = () =>
			watched.page.evaluate(async () => {
				const {Signet} = window as any;
				const settled = await (window as any).__settle((window as any).__call);
				const identity = Signet.getIdentity();
				return {...settled, identity: {...identity, error: identity.error && {name: identity.error.name, code: identity.error.code}}};
			}) as Promise<Outcome>;
		return {userId, outcome};
	}

	/** Scripts the faults (the next identify requests meet them in order), runs one identify, and answers what happened. */
	async function run(faults: Fault[]) {
		const watched = await ready();
		for (const fault of faults) {
			api.script(fault, {path: '/v1/identify'});
		}

		const {userId, outcome} = await start(watched);
		const result = await outcome();
		const calls = callsFor(userId);
		return {watched, userId, result, calls, messageIds: new Set(calls.map(({body}) => body.messageId)), applied: appliedTo(userId)};
	}

	async function expectClean(watched: Watched) {
		// Identify calls are simple requests: not one needed a preflight.
		expect(api.preflights).toEqual([]);
		expect(watched.pageErrors).toEqual([]);
		expect(await watched.unhandled()).toEqual([]);
	}

	const recovered: Array<[string, Fault[], number]> = [
		['a 500 then success', [respond(500, {body: error(500, 'server_error')})], 2],
		['a 503 with Retry-After', [respond(503, {headers: retryAfter, body: error(503, 'server_error')})], 2],
		['a 429 with Retry-After', [respond(429, {headers: retryAfter, body: error(429, 'rate_limited')})], 2],
		['an answer hanging past the timeout', [hang()], 2],
		['an answer lost after the API applied the call', [respond(502, {forward: true})], 2],
	];

	it.each(recovered)('succeeds once on the server after %s', async (_, faults, attempts) => {
		const {watched, userId, result, calls, messageIds, applied} = await run(faults);
		expect(result).toMatchObject({ok: true, value: {userId, verified: true}, identity: {status: 'verified', userId}});
		expect(calls).toHaveLength(attempts);
		expect(messageIds.size).toBe(1);
		expect(applied).toBe(1);
		await expectClean(watched);
	});

	// Chromium itself may resend a request whose reused connection dropped:
	// the attempts are then not counted exactly, only their messageId.
	it('succeeds once on the server after a reset connection', async () => {
		const {watched, userId, result, calls, messageIds, applied} = await run([reset()]);
		expect(result).toMatchObject({ok: true, value: {userId, verified: true}, identity: {status: 'verified', userId}});
		expect(calls.length).toBeGreaterThanOrEqual(2);
		expect(messageIds.size).toBe(1);
		expect(applied).toBe(1);
		await expectClean(watched);
	});

	it('rejects a 200 whose body is not JSON with ApiError invalid_response', async () => {
		const {watched, result, calls, applied} = await run([respond(200, {body: '<html><body>Bad gateway</body></html>', headers: {'Content-Type': 'text/html'}})]);
		expect(result).toMatchObject({ok: false, name: 'ApiError', code: 'api_error', status: 200, apiCode: 'invalid_response'});
		expect(result.identity).toMatchObject({status: 'anonymous', userId: null, error: {name: 'ApiError', code: 'api_error'}});
		expect(calls).toHaveLength(1);
		expect(applied).toBe(0);
		await expectClean(watched);
	});

	it('rejects with ApiError once every retry met a 500', async () => {
		const {watched, result, calls, messageIds, applied} = await run(Array<Fault>(3).fill(respond(500, {body: error(500, 'server_error')})));
		expect(result).toMatchObject({ok: false, name: 'ApiError', code: 'api_error', status: 500, apiCode: 'server_error'});
		expect(result.identity).toMatchObject({status: 'anonymous', error: {name: 'ApiError'}});
		expect(calls).toHaveLength(3);
		expect(messageIds.size).toBe(1);
		expect(applied).toBe(0);
		await expectClean(watched);
	});

	it('rejects with NetworkError once every attempt timed out', async () => {
		const {watched, result, calls, messageIds, applied} = await run(Array<Fault>(3).fill(hang()));
		expect(result).toMatchObject({ok: false, name: 'NetworkError', code: 'network'});
		expect(result.message).toMatch(/timed out/);
		expect(result.identity).toMatchObject({status: 'anonymous', error: {name: 'NetworkError', code: 'network'}});
		expect(calls).toHaveLength(3);
		expect(messageIds.size).toBe(1);
		expect(applied).toBe(0);
		await expectClean(watched);
	});

	it('rejects with NetworkError once every connection was reset', async () => {
		const {watched, result, messageIds, applied} = await run(Array<Fault>(12).fill(reset()));
		expect(result).toMatchObject({ok: false, name: 'NetworkError', code: 'network'});
		expect(result.identity).toMatchObject({status: 'anonymous', error: {name: 'NetworkError', code: 'network'}});
		expect(messageIds.size).toBe(1);
		expect(applied).toBe(0);
		await expectClean(watched);
	});

	it('waits while the browser is offline and sends the call once it is back online', async () => {
		const watched = await ready();
		await watched.context.setOffline(true);
		const {userId, outcome} = await start(watched);
		// Give a wrongly eager SDK the time to try (and fail, offline) a few times.
		await sleep(800);
		expect(watched.requests.filter(({url}) => url.startsWith(api.url))).toEqual([]);
		expect(callsFor(userId)).toHaveLength(0);
		expect(await watched.page.evaluate(() => (window as any).Signet.getIdentity().status)).toBe('pending');

		await watched.context.setOffline(false);
		const result = await outcome();
		expect(result).toMatchObject({ok: true, value: {userId, verified: true}, identity: {status: 'verified'}});
		expect(callsFor(userId)).toHaveLength(1);
		expect(appliedTo(userId)).toBe(1);
		await expectClean(watched);
	});

	it('completes a call that was in flight when pagehide fired, and keeps sending after it', async () => {
		const watched = await ready({timeoutMs: 8000});
		const release = holdNext();
		const {userId, outcome} = await start(watched);
		await until(() => callsFor(userId).length === 1, 'the call reached the server');
		await watched.page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: false})));
		release();
		const result = await outcome();
		expect(result).toMatchObject({ok: true, value: {userId, verified: true}, identity: {status: 'verified'}});
		expect(callsFor(userId)).toHaveLength(1);
		expect(appliedTo(userId)).toBe(1);

		// Calls made after pagehide (sent with keepalive) still go through.
		const next = await start(watched);
		expect(await next.outcome()).toMatchObject({ok: true, value: {userId: next.userId, verified: true}});
		expect(callsFor(next.userId)).toHaveLength(1);
		expect(appliedTo(next.userId)).toBe(1);
		await expectClean(watched);
	});

	it('delivers a call held when the page navigates away exactly once', async () => {
		const watched = await ready({timeoutMs: 8000});
		const release = holdNext();
		const {userId} = await start(watched);
		await until(() => callsFor(userId).length === 1, 'the call reached the server');
		await watched.page.goto(stack.pages.page('/elsewhere.html', '<!doctype html><p>another page</p>'));
		release();
		await until(() => appliedTo(userId) === 1, 'the held call was applied');
		// Anything that would send it again (a retry, a keepalive copy) has had its chance.
		await sleep(500);
		expect(callsFor(userId)).toHaveLength(1);
		expect(appliedTo(userId)).toBe(1);
		expect(watched.pageErrors).toEqual([]);
	});
});

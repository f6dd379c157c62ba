// Shared set-up of the SDK suites: the reference API on loopback behind a
// fault server, and clients with small timeouts so the suites run fast.
import {afterAll, expect} from 'vitest';
import {createIdentityHandler, MemoryStore, signIdentity, startServer} from '../../src/server/index';
import {createClient, type Client, type InitOptions} from '../../src/browser/index';
import {startFaultServer, type FaultServer} from '../support/fault-server';

export const SECRET = 'sk_sdk_test_7Hq2Zp_hash_key_Mv30tR8';
/** The HS256 token key: a key has one use, so never the hash key. */
export const TOKEN_SECRET = 'tk_sdk_test_4Nw6Cd_token_key_Qe19';
/** Refuses (403) a missing, wrong or expired hash. */
export const ENFORCE = 'ct_sdk_enforce';
/** Monitor mode: answers 200 with verified: false. */
export const MONITOR = 'ct_sdk_monitor';

/** The reference API, its store, and the fault server in front of it (the SDK's apiHost). */
export type TestApi = {
	/** The SDK's apiHost: the fault server, which forwards to the reference API. */
	url: string;
	/** The reference API itself, without faults. */
	directUrl: string;
	store: MemoryStore;
	faults: FaultServer;
};

/**
 * Starts the reference API and a fault server forwarding to it, for one
 * test file; both close after the file. `clockAheadMs`: the API's clock runs
 * this far ahead of the page's, so a hash the page thinks valid has expired.
 */
export async function startApi({clockAheadMs = 0}: {clockAheadMs?: number} = {}): Promise<TestApi> {
	const store = new MemoryStore();
	const variables = (userId: string) => ({greeting: `hi ${userId}`, plan: 'pro'});
	const handler = createIdentityHandler({
		clients: {
			[ENFORCE]: {secrets: [SECRET], tokenSecrets: [TOKEN_SECRET], enforce: true, variables},
			[MONITOR]: {secrets: [SECRET], tokenSecrets: [TOKEN_SECRET], variables},
		},
		store,
		rateLimit: {max: Infinity, windowMs: 60_000, perUser: Infinity, perIp: Infinity},
		...(clockAheadMs === 0 ? {} : {now: () => new Date(Date.now() + clockAheadMs)}),
	});
	const api = await startServer(handler);
	const faults = await startFaultServer({upstream: handler});
	afterAll(async () => {
		await faults.close();
		await api.close();
	});
	return {url: faults.url, directUrl: api.url, store, faults};
}

/**
 * A client of `api`: 2 retries, and a generous 5 s per attempt so that a
 * busy machine never turns a slow answer into a retry. The tests about
 * timeouts set a short timeoutMs themselves.
 */
export function clientOf(api: TestApi, options: Partial<InitOptions> = {}): Client {
	return createClient({clientToken: ENFORCE, apiHost: api.url, timeoutMs: 5000, retries: 2, ...options});
}

/** A valid hash for `userId` (and `expiration`). */
export function sign(userId: string | number, expiration?: string | Date): {hash: string; expiration?: string} {
	const {hash, expiration: signed} = signIdentity(userId, SECRET, {expiration});
	return signed === undefined ? {hash} : {hash, expiration: signed};
}

/** A well-formed hash that is not the right one for any user. */
/**
 * Starts a test as a fresh page: no request recorded, nothing in storage
 * (the SDK keeps the anonymous id and the session there).
 *
 * @example
 * beforeEach(() => freshPage(api.faults));
 */
export function freshPage(...servers: FaultServer[]): void {
	for (const server of servers) {
		server.clear();
	}

	localStorage.clear();
	sessionStorage.clear();
}

export const WRONG_HASH = 'ab'.repeat(32);

/** Resolves after `ms` milliseconds (for "nothing happens meanwhile" checks, never as a timing assertion). */
export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition()` holds, polling every 10 ms; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
	for (let waited = 0; !condition(); waited += 10) {
		if (waited >= timeoutMs) {
			expect.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
		}

		await sleep(10);
	}
}

/** Collects what an event emitted. */
export function collect<T>(subscribe: (handler: (payload: T) => void) => () => void): T[] {
	const seen: T[] = [];
	subscribe((payload) => seen.push(payload));
	return seen;
}

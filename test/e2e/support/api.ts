// The reference API for the browser suites, behind a wrapper that records
// every request it receives (preflights included), on its own port so that
// the pages' calls are real cross-origin calls.
import {createIdentityHandler, MemoryStore, startServer} from '../../../src/server/index';
import {OTHER_SECRET, SECRET, TOKEN_SECRET} from './secrets';

/** One request as the API received it. */
export type ApiCall = {
	method: string;
	path: string;
	origin: string | null;
	contentType: string | null;
	authorization: string | null;
	/** The parsed JSON body, or undefined. */
	body: any;
};

export type Api = {
	url: string;
	store: MemoryStore;
	/** The requests received since the last reset. */
	calls: ApiCall[];
	/** Calls with this method (and path ending, when given). */
	count(method: string, path?: string): number;
	/** Forgets the recorded requests (each test starts from zero). */
	reset(): void;
	close(): Promise<void>;
};

/**
 * Clients: `ct_monitor` (monitor mode), `ct_enforce` and `ct_other`
 * (enforced, another key). All allow `pageOrigin` and give verified users
 * variables. `now` shifts the API's clock (a server clock ahead of the page's).
 */
export async function startApi(pageOrigin: string, {now}: {now?: () => Date} = {}): Promise<Api> {
	const store = new MemoryStore();
	const calls: ApiCall[] = [];
	const allowedOrigins = [pageOrigin];
	const handler = createIdentityHandler({
		clients: {
			ct_monitor: {secrets: [SECRET], allowedOrigins, variables: (userId) => ({plan: 'pro', greeting: `hi ${userId}`})},
			ct_enforce: {secrets: [SECRET], tokenSecrets: [TOKEN_SECRET], enforce: true, allowedOrigins, variables: (userId) => ({plan: 'pro', greeting: `hi ${userId}`})},
			ct_other: {secrets: [OTHER_SECRET], enforce: true, allowedOrigins, variables: () => ({plan: 'team'})},
		},
		store,
		now,
		// The bad-input suite sends many calls from one visitor.
		rateLimit: {max: 1000, windowMs: 60_000, perUser: 1000, perIp: Infinity},
	});
	const server = await startServer(async (request) => {
		const text = request.method === 'POST' ? await request.clone().text() : '';
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {}

		calls.push({
			method: request.method,
			path: new URL(request.url).pathname,
			origin: request.headers.get('origin'),
			contentType: request.headers.get('content-type'),
			authorization: request.headers.get('authorization'),
			body,
		});
		return handler(request);
	});

	return {
		url: server.url,
		store,
		calls,
		count: (method, path) => calls.filter((call) => call.method === method && (path === undefined || call.path.endsWith(path))).length,
		reset: () => calls.splice(0),
		close: () => server.close(),
	};
}

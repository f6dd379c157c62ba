// A scripted, fault-injecting HTTP server on loopback for the SDK's tests
// (vitest in jsdom, and the browser e2e suites). Each request takes the next
// matching scripted fault, if any (answer with a status, hang, reset the
// connection, delay); otherwise it goes to the upstream (a Fetch handler such
// as createIdentityHandler's, or a base URL). Every request is recorded, so a
// test can count attempts and compare their bodies (messageId on retries).
//
// Framework-agnostic on purpose: no vitest import, only node:http. Answers
// CORS for any Origin (echoed, or `*` without one) and answers preflights
// itself, counting them apart from the calls.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import {listen} from '../../src/server/node/node';

/** Anything that answers a Fetch Request with a Response (createIdentityHandler's handler fits). */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * What the server does with one request:
 * - `respond`: answers `status` with `headers` and `body` (an object is sent
 *   as JSON, a string as is). With `forward: true` the request reaches the
 *   upstream first (so the API applies it) and the client sees this answer
 *   instead of the upstream's: a lost answer.
 * - `hang`: never answers (until the client gives up or the server closes).
 * - `reset`: destroys the connection without an answer (TCP reset).
 * - `delay`: waits `ms`, then forwards to the upstream.
 */
export type Fault =
	| {kind: 'respond'; status: number; headers?: Record<string, string>; body?: string | object; forward?: boolean}
	| {kind: 'hang'}
	| {kind: 'reset'}
	| {kind: 'delay'; ms: number};

/** A fault answering `status`; see {@link Fault}. */
export function respond(status: number, {headers, body, forward}: {headers?: Record<string, string>; body?: string | object; forward?: boolean} = {}): Fault {
	return {kind: 'respond', status, headers, body, forward};
}

/** A fault that never answers. */
export function hang(): Fault {
	return {kind: 'hang'};
}

/** A fault that resets the connection. */
export function reset(): Fault {
	return {kind: 'reset'};
}

/** A fault that forwards to the upstream after `ms` milliseconds. */
export function delay(ms: number): Fault {
	return {kind: 'delay', ms};
}

/** One request as the server received it. */
export type RecordedRequest = {
	method: string;
	/** The path and query, such as `/v1/identify`. */
	path: string;
	/** Lower-case header names; repeated headers joined with ', '. */
	headers: Record<string, string>;
	/** The raw body text. */
	text: string;
	/** The body parsed as JSON; `undefined` when it is not JSON. */
	body: any;
	/** What the server did: the fault's kind, or 'forward' (upstream), or 'preflight'. */
	handling: Fault['kind'] | 'forward' | 'preflight';
	/** Date.now() when the request's body had arrived, and when the answer was written (undefined: none). */
	receivedAt: number;
	answeredAt?: number;
};

/** Which requests a scripted fault applies to, and how many times. */
export type ScriptOptions = {
	/** How many requests get this fault. @default 1 */
	times?: number;
	/** Only requests whose path ends with this (such as '/v1/identify'). @default every path */
	path?: string;
	/** Only requests with this method. @default every method but OPTIONS */
	method?: string;
};

/** A running fault server. */
export type FaultServer = {
	/** Base URL, such as `http://127.0.0.1:53121`: use it as the SDK's `apiHost`. */
	url: string;
	port: number;
	/** Every request but preflights, in arrival order. */
	readonly requests: RecordedRequest[];
	/** CORS preflights (OPTIONS with an Origin), answered by the fault server itself. */
	readonly preflights: RecordedRequest[];
	/** Requests whose path ends with `path`. */
	requestsTo(path: string): RecordedRequest[];
	/** Queues a fault for the next matching request(s); scripted faults are used in the order given. */
	script(fault: Fault, options?: ScriptOptions): FaultServer;
	/** Resolves once `count` requests have arrived; rejects after `timeoutMs`. */
	waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
	/** Forgets the recorded requests and the faults still scripted. */
	clear(): void;
	/** Stops listening and ends every connection (hanging ones included). */
	close(): Promise<void>;
};

/** Options of {@link startFaultServer}. */
export type FaultServerOptions = {
	/**
	 * Where requests without a scripted fault go: a Fetch handler, or a base
	 * URL to proxy to. Without one they get 404.
	 */
	upstream?: FetchHandler | string;
	/** @default '127.0.0.1' */
	host?: string;
	/** @default 0 (a free port) */
	port?: number;
};

type Rule = {fault: Fault; remaining: number; path?: string; method?: string};

// Headers that belong to one connection, not to the message.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'upgrade', 'content-encoding']);

/**
 * Starts a fault server on loopback (port 0 by default).
 *
 * @example
 * const faults = await startFaultServer({upstream: createIdentityHandler(config)});
 * faults.script(respond(503, {headers: {'Retry-After': '1'}}), {times: 2});
 * await client.identifyUser('42'); // reaches the API on the third attempt
 * faults.requests.map((request) => request.body.messageId); // three times the same
 * await faults.close();
 */
export async function startFaultServer({upstream, host = '127.0.0.1', port = 0}: FaultServerOptions = {}): Promise<FaultServer> {
	const requests: RecordedRequest[] = [];
	const preflights: RecordedRequest[] = [];
	let rules: Rule[] = [];
	const timers = new Set<ReturnType<typeof setTimeout>>();
	const waiters = new Set<() => void>();

	const take = (method: string, path: string): Fault | undefined => {
		const pathname = path.split('?')[0]!;
		const rule = rules.find(
			(candidate) =>
				candidate.remaining > 0 &&
				(candidate.path === undefined || pathname.endsWith(candidate.path)) &&
				(candidate.method === undefined ? method !== 'OPTIONS' : candidate.method.toUpperCase() === method),
		);
		if (rule === undefined) {
			return undefined;
		}

		rule.remaining--;
		rules = rules.filter((candidate) => candidate.remaining > 0);
		return rule.fault;
	};

	const sleep = (ms: number) =>
		new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
		});

	const forward = async (incoming: IncomingMessage, record: RecordedRequest, raw: Buffer): Promise<Response> => {
		if (upstream === undefined) {
			return Response.json({error: {code: 'not_found', message: 'the fault server has no upstream'}}, {status: 404});
		}

		const headers = new Headers();
		for (const [name, value] of Object.entries(record.headers)) {
			if (!HOP_BY_HOP.has(name)) {
				headers.set(name, value);
			}
		}

		const hasBody = record.method !== 'GET' && record.method !== 'HEAD';
		const init: RequestInit = {method: record.method, headers, body: hasBody ? new Uint8Array(raw) : undefined};
		if (typeof upstream === 'string') {
			return fetch(upstream.replace(/\/+$/, '') + record.path, init);
		}

		return upstream(new Request(`http://${incoming.headers.host ?? host}${record.path}`, init));
	};

	const write = async (outgoing: ServerResponse, record: RecordedRequest, response: Response): Promise<void> => {
		const body = Buffer.from(await response.arrayBuffer());
		response.headers.forEach((value, name) => {
			if (!HOP_BY_HOP.has(name)) {
				outgoing.setHeader(name, value);
			}
		});
		writeCors(outgoing, record.headers.origin);
		outgoing.statusCode = response.status;
		outgoing.end(body);
		record.answeredAt = Date.now();
	};

	const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
		const chunks: Buffer[] = [];
		for await (const chunk of incoming) {
			chunks.push(chunk as Buffer);
		}

		const raw = Buffer.concat(chunks);
		const text = raw.toString('utf8');
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(incoming.headers)) {
			if (value !== undefined) {
				headers[name] = Array.isArray(value) ? value.join(', ') : value;
			}
		}

		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}

		const method = (incoming.method ?? 'GET').toUpperCase();
		const record: RecordedRequest = {method, path: incoming.url ?? '/', headers, text, body, handling: 'forward', receivedAt: Date.now()};

		if (method === 'OPTIONS' && headers.origin !== undefined) {
			record.handling = 'preflight';
			preflights.push(record);
			writeCors(outgoing, headers.origin);
			outgoing.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
			outgoing.setHeader('Access-Control-Allow-Headers', headers['access-control-request-headers'] ?? 'Content-Type, Authorization');
			// No caching: every preflight the browser needs is seen and counted.
			outgoing.setHeader('Access-Control-Max-Age', '0');
			outgoing.statusCode = 204;
			outgoing.end();
			record.answeredAt = Date.now();
			notify();
			return;
		}

		const fault = take(method, record.path);
		record.handling = fault?.kind ?? 'forward';
		requests.push(record);
		notify();

		switch (fault?.kind) {
			case 'hang':
				// Keeps the socket open with no answer; the client's timeout (or close()) ends it.
				return;
			case 'reset':
				if (typeof incoming.socket.resetAndDestroy === 'function') {
					incoming.socket.resetAndDestroy();
				} else {
					incoming.socket.destroy();
				}

				return;
			case 'delay':
				await sleep(fault.ms);
				break;
			case 'respond': {
				if (fault.forward) {
					// The API applies the call; only its answer is lost on the way back.
					await (await forward(incoming, record, raw)).arrayBuffer();
				}

				const isJson = fault.body !== undefined && typeof fault.body !== 'string';
				const payload = fault.body === undefined ? '' : isJson ? JSON.stringify(fault.body) : (fault.body as string);
				const response = new Response(fault.status === 204 ? null : payload, {
					status: fault.status,
					headers: {...(isJson ? {'Content-Type': 'application/json'} : {'Content-Type': 'text/plain'}), ...fault.headers},
				});
				await write(outgoing, record, response);
				return;
			}
			default:
				break;
		}

		if (outgoing.destroyed) {
			return;
		}

		await write(outgoing, record, await forward(incoming, record, raw));
	};

	const server = createServer((incoming, outgoing) => {
		handle(incoming, outgoing).catch(() => {
			// The client went away, or the upstream failed: answer 502 if still possible.
			if (!outgoing.headersSent && !outgoing.destroyed) {
				outgoing.statusCode = 502;
				outgoing.end();
			} else {
				outgoing.destroy();
			}
		});
	});

	const notify = () => {
		for (const waiter of waiters) {
			waiter();
		}
	};

	const address = await listen(server, port, host);

	const faultServer: FaultServer = {
		...address,
		requests,
		preflights,
		requestsTo: (path) => requests.filter((request) => request.path.split('?')[0]!.endsWith(path)),
		script(fault, {times = 1, path, method} = {}) {
			rules.push({fault, remaining: times, path, method});
			return faultServer;
		},
		waitForRequests(count, timeoutMs = 5000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					if (requests.length >= count) {
						waiters.delete(check);
						clearTimeout(timer);
						resolve([...requests]);
					}
				};

				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`expected ${count} requests within ${timeoutMs} ms, got ${requests.length}`));
				}, timeoutMs);
				waiters.add(check);
				check();
			});
		},
		clear() {
			requests.length = 0;
			preflights.length = 0;
			rules = [];
		},
		close: () =>
			new Promise<void>((resolve, reject) => {
				for (const timer of timers) {
					clearTimeout(timer);
				}

				timers.clear();
				server.close((error) => (error === undefined ? resolve() : reject(error)));
				// close() alone would wait for hanging and keep-alive connections.
				server.closeAllConnections();
			}),
	};
	return faultServer;
}

function writeCors(outgoing: ServerResponse, origin: string | undefined): void {
	outgoing.setHeader('Access-Control-Allow-Origin', origin ?? '*');
	outgoing.setHeader('Access-Control-Expose-Headers', 'Retry-After');
	outgoing.setHeader('Vary', 'Origin');
}

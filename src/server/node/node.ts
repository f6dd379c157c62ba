import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {CALL_HANDLER, type CallHandler} from '../api/call-request';
import {answerNodeCall} from './node-call';

/**
 * Anything that answers a Fetch Request with a Response, such as
 * `createIdentityHandler`'s handler; `info.clientIp` is the caller's address.
 *
 * @example
 * const echo: FetchHandler = async (request, info) => new Response(info?.clientIp);
 */
export type FetchHandler = (request: Request, info?: {clientIp?: string}) => Promise<Response>;

/** Options of {@link toNodeListener}. */
export type NodeListenerOptions = {
	/**
	 * How many reverse proxies in front of this server to trust, counted
	 * from the right of `X-Forwarded-For` (each proxy appends the address
	 * it saw; entries further left are whatever the client wrote). `true`
	 * is 1. Leave it off when clients connect directly, or anyone could
	 * choose their own address for the per-IP rate limit.
	 * @default false (the socket's address)
	 */
	trustProxy?: boolean | number;
};

/** Options of {@link startServer}. */
export type ServerOptions = NodeListenerOptions & {
	/** @default 0 (a free port) */
	port?: number;
	/** @default '127.0.0.1' */
	host?: string;
	/**
	 * A connection whose request headers have not all arrived by then is closed (slow-header attacks).
	 * @default 10_000
	 */
	headersTimeoutMs?: number;
	/**
	 * A connection whose whole request (headers and body) has not arrived by then is closed (slow-body attacks).
	 * @default 15_000
	 */
	requestTimeoutMs?: number;
};

/** A running server of {@link startServer}. */
export type RunningServer = {
	/** Base URL, such as `http://127.0.0.1:53121`: the SDK's `apiHost`. */
	url: string;
	port: number;
	/** Stops listening and ends every open connection, keep-alive ones included. */
	close(): Promise<void>;
};

/**
 * Adapts a Fetch handler to `node:http` (and to Express or Connect, which
 * take the same listener): the request becomes a Fetch `Request` whose body
 * streams from Node, and the `Response` is written back. A handler that
 * throws answers 500.
 *
 * @example
 * import {createServer} from 'node:http';
 * createServer(toNodeListener(createIdentityHandler(config))).listen(8787);
 * // Express: app.use('/api', toNodeListener(handler)) serves /api/v1/identify
 */
export function toNodeListener(handler: FetchHandler, {trustProxy = false}: NodeListenerOptions = {}): (request: IncomingMessage, response: ServerResponse) => void {
	const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : trustProxy;
	if (!Number.isInteger(hops) || hops < 0) {
		throw new TypeError('trustProxy must be true, false, or how many proxies to trust (a whole number)');
	}

	// createIdentityHandler's handler answers node:http directly (see node-call.ts);
	// any other Fetch handler gets a Request and its Response is written back.
	const answerCall = (handler as {[CALL_HANDLER]?: CallHandler})[CALL_HANDLER];
	if (answerCall !== undefined) {
		return (incoming, outgoing) => {
			void answerNodeCall(answerCall, incoming, outgoing, clientIp(incoming, hops));
		};
	}

	return (incoming, outgoing) => {
		void answer(handler, incoming, outgoing, clientIp(incoming, hops));
	};
}

/**
 * The caller's address: the socket's, or, behind `hops` trusted proxies,
 * the entry of `X-Forwarded-For` that the outermost trusted proxy wrote
 * (counted from the right, the only entries a client cannot forge).
 *
 * @example
 * clientIp(request, 1) // '203.0.113.7' for "X-Forwarded-For: 10.0.0.1, 203.0.113.7" from the proxy
 */
export function clientIp(incoming: IncomingMessage, hops: number): string | undefined {
	const socketAddress = incoming.socket.remoteAddress;
	if (hops === 0) {
		return socketAddress;
	}

	const forwarded = incoming.headers['x-forwarded-for'];
	const entries = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
	// Fewer entries than trusted proxies: the leftmost is still one a trusted proxy wrote.
	return entries.length === 0 ? socketAddress : entries[Math.max(0, entries.length - hops)];
}

/**
 * Serves a Fetch handler over HTTP with `node:http`. Port 0 picks a free
 * port; the answer says which. A request whose headers take longer than
 * `headersTimeoutMs`, or whose whole body longer than `requestTimeoutMs`,
 * is closed, so slow clients cannot hold connections open.
 *
 * @example
 * const server = await startServer(createIdentityHandler(config), {port: 8787, trustProxy: 1});
 * await init({clientToken: 'ct_demo', apiHost: server.url});
 * await server.close();
 */
export async function startServer(handler: FetchHandler, options: ServerOptions = {}): Promise<RunningServer> {
	const {port = 0, host = '127.0.0.1', trustProxy, headersTimeoutMs = 10_000, requestTimeoutMs = 15_000} = options;
	if (!(headersTimeoutMs > 0) || !(requestTimeoutMs >= headersTimeoutMs) || !Number.isFinite(requestTimeoutMs)) {
		throw new TypeError('headersTimeoutMs and requestTimeoutMs must be milliseconds above 0, requestTimeoutMs at least headersTimeoutMs');
	}

	// A handler with a control plane answers once its registry is read: a wrong master key fails here, before listening.
	await (handler as {ready?: Promise<void>}).ready;
	const server = createServer(
		{
			headersTimeout: headersTimeoutMs,
			requestTimeout: requestTimeoutMs,
			// Node checks these timeouts only this often (30 s by default).
			connectionsCheckingInterval: Math.max(10, Math.min(1_000, headersTimeoutMs / 4)),
		},
		toNodeListener(handler, {trustProxy}),
	);
	return {
		...(await listen(server, port, host)),
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.close((error) => (error === undefined ? resolve() : reject(error)));
				// close() alone waits for idle keep-alive sockets to time out.
				server.closeAllConnections();
			}),
	};
}

/**
 * Starts `server` listening and answers its base URL and port (port 0
 * picks a free one). Not part of the package's surface: the tests' own
 * servers share it.
 *
 * @example
 * const {url} = await listen(createServer(listener), 0, '127.0.0.1');
 */
export async function listen(server: Server, port: number, host: string): Promise<{url: string; port: number}> {
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address() as AddressInfo;
	const name = address.address.includes(':') ? `[${address.address}]` : address.address;
	return {url: `http://${name}:${address.port}`, port: address.port};
}

async function answer(handler: FetchHandler, incoming: IncomingMessage, outgoing: ServerResponse, ip: string | undefined): Promise<void> {
	let response: Response;
	try {
		const request = toRequest(incoming, outgoing);
		try {
			response = await handler(request, ip === undefined ? {} : {clientIp: ip});
		} catch {
			response = Response.json({error: {code: 'server_error', message: 'the server failed to answer; try again later'}}, {status: 500});
		}
	} catch {
		// A request Fetch cannot represent: a malformed URL or header.
		response = Response.json({error: {code: 'invalid_request', message: 'the request could not be read'}}, {status: 400});
	}

	try {
		await write(response, outgoing);
	} catch {
		// The client went away while the answer was written: nobody to tell.
		outgoing.destroy();
	}
}

function toRequest(incoming: IncomingMessage, outgoing: ServerResponse): Request {
	const headers = new Headers();
	for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
		headers.append(incoming.rawHeaders[i], incoming.rawHeaders[i + 1]);
	}

	// The Host header is the client's to choose: only the path is trusted to
	// be what the route is, and a bad Host falls back to localhost.
	let url: URL;
	try {
		url = new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? 'localhost'}`);
	} catch {
		url = new URL(incoming.url ?? '/', 'http://localhost');
	}

	const controller = new AbortController();
	outgoing.once('close', () => {
		if (!outgoing.writableFinished) {
			controller.abort();
		}
	});
	const method = incoming.method ?? 'GET';
	const hasBody = method !== 'GET' && method !== 'HEAD';
	return new Request(url, {
		method,
		headers,
		signal: controller.signal,
		body: hasBody ? (Readable.toWeb(incoming) as unknown as ReadableStream<Uint8Array>) : undefined,
		// Required by Fetch for a streamed request body.
		duplex: 'half',
	} as RequestInit);
}

async function write(response: Response, outgoing: ServerResponse): Promise<void> {
	outgoing.statusCode = response.status;
	const cookies = response.headers.getSetCookie();
	response.headers.forEach((value, name) => {
		if (name !== 'set-cookie') {
			outgoing.setHeader(name, value);
		}
	});
	if (cookies.length > 0) {
		outgoing.setHeader('set-cookie', cookies);
	}

	if (response.body === null) {
		outgoing.end();
		return;
	}

	// pipeline handles back-pressure and a client that goes away mid-answer.
	await pipeline(Readable.fromWeb(response.body as unknown as Parameters<typeof Readable.fromWeb>[0]), outgoing);
}

import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';

/** Anything that answers a Fetch Request with a Response, such as `createIdentityHandler`'s handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

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
export function toNodeListener(handler: FetchHandler): (request: IncomingMessage, response: ServerResponse) => void {
	return (incoming, outgoing) => {
		void answer(handler, incoming, outgoing);
	};
}

/**
 * Serves a Fetch handler over HTTP with `node:http`, for the demo and the
 * tests. Port 0 picks a free port; the answer says which.
 *
 * @example
 * const server = await startServer(createIdentityHandler(config));
 * await init({clientToken: 'ct_demo', apiHost: server.url});
 * await server.close();
 */
export async function startServer(handler: FetchHandler, {port = 0, host = '127.0.0.1'}: {port?: number; host?: string} = {}): Promise<RunningServer> {
	const server = createServer(toNodeListener(handler));
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

async function answer(handler: FetchHandler, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
	let response: Response;
	try {
		const request = toRequest(incoming, outgoing);
		try {
			response = await handler(request);
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

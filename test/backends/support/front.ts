// The customer's web front in the route suite: serves the page and the
// built SDK, and passes every other request to a language's route server,
// so the page and the route share one origin as on a customer's site. (A
// page that Playwright fulfils itself would have no address, and Chromium
// would refuse its calls to the loopback API as from a public page.)
import {createServer, request as forward} from 'node:http';
import type {AddressInfo} from 'node:net';

/** A running front: its origin, and close(). */
export type Front = {url: string; close(): Promise<void>};

/**
 * Starts a front on 127.0.0.1 serving `files` (path → body and type) and
 * proxying everything else to `target`.
 *
 * @example
 * const front = await startFront('http://127.0.0.1:5001', {'/page.html': {body: html, type: 'text/html'}});
 */
export async function startFront(target: string, files: Record<string, {body: string | Buffer; type: string}>): Promise<Front> {
	const upstream = new URL(target);
	const server = createServer((request, response) => {
		const file = files[new URL(request.url ?? '/', 'http://front').pathname];
		if (file) {
			response.writeHead(200, {'content-type': file.type, 'cache-control': 'no-store'}).end(file.body);
			return;
		}

		// One connection per request (agent: false, connection: close): a kept-alive socket that the
		// route server closes as idle while the front reuses it would fail the request under load.
		const headers = {...request.headers, host: upstream.host, connection: 'close'};
		const proxied = forward({host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers, agent: false}, (answer) => {
			response.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(response);
		});
		// Said in the body, so that a failing test shows why.
		proxied.once('error', (error) => response.writeHead(502, {'content-type': 'text/plain'}).end(`the front could not reach the route: ${error.message}`));
		request.pipe(proxied);
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () =>
			new Promise<void>((done) => {
				server.close(() => done());
				server.closeAllConnections();
			}),
	};
}

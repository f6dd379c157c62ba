import {request as httpRequest} from 'node:http';
import {afterAll, describe, expect, it} from 'vitest';
import {createIdentityHandler, signIdentity, startServer} from '../../../src/server/index';
import {identifyBody, ORIGIN, SECRET} from '../support/helpers';

// createIdentityHandler's handler is served by node:http without Fetch
// objects (src/server/node/node-call.ts): these are the behaviours that path must
// keep, next to what the Fetch path answers for the same call.
const handler = createIdentityHandler({clients: {ct_test: {secrets: [SECRET], enforce: true, allowedOrigins: [ORIGIN]}}});
const server = await startServer(handler);
afterAll(() => server.close());

type Raw = {status: number; headers: Record<string, string | string[] | undefined>; text: string};

/** Sends `chunks` as a chunked body (no Content-Length), one write each, and waits for the answer. */
function sendChunked(chunks: string[], {end = true} = {}): Promise<Raw> {
	return new Promise((resolve, reject) => {
		const outgoing = httpRequest(`${server.url}/v1/identify`, {method: 'POST', headers: {'Content-Type': 'text/plain'}}, (response) => {
			let text = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => (text += chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, headers: response.headers, text}));
		});
		outgoing.on('error', reject);
		chunks.forEach((chunk) => outgoing.write(chunk));
		if (end) {
			outgoing.end();
		}
	});
}

describe('the identity handler over node:http', () => {
	it('answers exactly what the Fetch handler answers for the same call, with a Content-Length', async () => {
		const {hash} = signIdentity('42', SECRET);
		const body = JSON.stringify(identifyBody({hash, anonymousId: 'anon-1', messageId: 'm-1'}));
		const headers = {'Content-Type': 'text/plain;charset=UTF-8', Origin: ORIGIN, 'X-Request-Id': 'req-1'};
		const overHttp = await fetch(`${server.url}/v1/identify`, {method: 'POST', headers, body});
		const overFetch = await handler(new Request('http://api.test/v1/identify', {method: 'POST', headers, body}));

		const comparable = (response: Response) => Object.fromEntries([...response.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(name)));
		expect(overHttp.status).toBe(200);
		expect(comparable(overHttp)).toEqual(comparable(overFetch));
		expect(overHttp.headers.get('content-length')).toBe(String(Buffer.byteLength(await overHttp.clone().text())));
		const [a, b] = [await overHttp.json(), await overFetch.json()];
		// The Fetch call was a new call (another store entry), so its session token differs.
		expect({...a, session: undefined}).toEqual({...b, session: undefined});
	});

	it('refuses a chunked body past 64 KiB with 400 and closes the connection instead of draining the rest', async () => {
		const answer = await sendChunked(['{"metadata":"', 'x'.repeat(40_000), 'x'.repeat(40_000)], {end: false});
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.text)).toMatchObject({error: {code: 'invalid_request', field: 'body'}});
		expect(answer.headers.connection).toBe('close');
	});

	it('keeps serving after a client leaves in the middle of its body', async () => {
		await new Promise<void>((resolve) => {
			const outgoing = httpRequest(`${server.url}/v1/identify`, {method: 'POST', headers: {'Content-Type': 'text/plain'}});
			outgoing.on('error', () => resolve());
			outgoing.write('{"clientToken":"ct_te', () => {
				outgoing.destroy();
				resolve();
			});
		});
		const answer = await sendChunked([JSON.stringify(identifyBody({hash: signIdentity('42', SECRET).hash}))]);
		expect(answer.status).toBe(200);
	});

	it('reads a body that arrives in many small chunks', async () => {
		const text = JSON.stringify(identifyBody({hash: signIdentity('42', SECRET).hash}));
		const answer = await sendChunked(text.match(/.{1,7}/gs) ?? []);
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.text)).toMatchObject({userId: '42', verified: true});
	});
});

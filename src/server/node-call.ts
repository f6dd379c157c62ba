import type {IncomingMessage, ServerResponse} from 'node:http';
import {type CallAnswer, type CallHandler, type CallRequest, joinChunks} from './call-request';

const SERVER_ERROR = JSON.stringify({error: {code: 'server_error', message: 'the server failed to answer; try again later'}});
const PLAIN_PATH = /^(?:\/[\w-]+)*\/?$/;
const UNREADABLE = JSON.stringify({error: {code: 'invalid_request', message: 'the request could not be read'}});

/**
 * Answers one `node:http` request with the identity handler's
 * {@link CallHandler}: headers are read from Node's own parsed headers, the
 * body from the request's chunks, and the answer goes out in one
 * `writeHead` + `end` with its `Content-Length`. No `Request`, `Response`,
 * web stream or `AbortSignal` is made: under load those were most of the
 * time spent per call (see the README's "API throughput").
 *
 * @example
 * createServer((incoming, outgoing) => void answerNodeCall(answerCall, incoming, outgoing, incoming.socket.remoteAddress));
 */
export async function answerNodeCall(answerCall: CallHandler, incoming: IncomingMessage, outgoing: ServerResponse, clientIp?: string): Promise<void> {
	let answer: CallAnswer;
	try {
		const request = callRequestOf(incoming, outgoing);
		try {
			answer = await answerCall(request, clientIp === undefined ? {} : {clientIp});
		} catch {
			answer = {status: 500, headers: {'Content-Type': 'application/json; charset=utf-8'}, body: SERVER_ERROR};
		}
	} catch {
		// A request Fetch could not represent either: a malformed URL.
		answer = {status: 400, headers: {'Content-Type': 'application/json; charset=utf-8'}, body: UNREADABLE};
	}

	if (outgoing.destroyed) {
		// The client went away meanwhile: nobody to tell.
		return;
	}

	// A string body leaves in the same write as the headers.
	const body = answer.body ?? '';
	// The headers object is this answer's own: it can take the length.
	answer.headers['Content-Length'] = String(Buffer.byteLength(body, 'utf8'));
	outgoing.writeHead(answer.status, answer.headers);
	outgoing.end(body, 'utf8');
}

function callRequestOf(incoming: IncomingMessage, outgoing: ServerResponse): CallRequest {
	const headers = incoming.headers;
	// Parsed as a Fetch Request's URL would be, so routes match the same
	// paths; a plain path (single slashes between letters, digits, - and _:
	// no dot segment, escape or query) is already what parsing would give.
	const url = incoming.url ?? '/';
	const {pathname, search} = PLAIN_PATH.test(url) ? {pathname: url, search: ''} : new URL(url, 'http://localhost');
	return {
		method: incoming.method ?? 'GET',
		pathname,
		search,
		header(name) {
			const value = headers[name.toLowerCase()];
			return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
		},
		bytes: (limit) => readAtMost(incoming, outgoing, limit),
	};
}

// The body's chunks as they come, stopping at `limit`: then the connection
// is closed once answered, instead of draining an endless body.
function readAtMost(incoming: IncomingMessage, outgoing: ServerResponse, limit: number): Promise<Uint8Array | undefined> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let length = 0;
		const onData = (chunk: Buffer): void => {
			length += chunk.byteLength;
			if (length > limit) {
				incoming.off('data', onData);
				incoming.pause();
				outgoing.shouldKeepAlive = false;
				resolve(undefined);
				return;
			}

			chunks.push(chunk);
		};

		incoming.on('data', onData);
		incoming.once('end', () => resolve(joinChunks(chunks, length)));
		incoming.once('error', reject);
		// A client gone before the end of its body: 'end' never comes. (After
		// the end, 'close' comes too: no Error is made then, its stack costs.)
		incoming.once('close', () => incoming.complete || reject(new Error('the request was closed before its body ended')));
	});
}

import type {IncomingMessage, ServerResponse} from 'node:http';
import {type CallAnswer, type CallHandler, type CallRequest, joinChunks} from '../api/call-request';

const SERVER_ERROR = JSON.stringify({error: {code: 'server_error', message: 'the server failed to answer; try again later'}});
const UNREADABLE = JSON.stringify({error: {code: 'invalid_request', message: 'the request could not be read'}});
// Segments of letters, digits, - and _ between single slashes: such a path is its own pathname.
const PLAIN_PATH = /^(?:\/[\w-]+)*\/?$/;

/**
 * Answers one `node:http` request with the identity handler's
 * {@link CallHandler}: headers are read from Node's own parsed headers, the
 * body from the request's chunks, and the answer goes out in one
 * `writeHead` + `end` with its `Content-Length`. No `Request`, `Response`,
 * web stream or `AbortSignal` is made: under load those were most of the
 * time spent per call (see docs/performance.md, "API throughput").
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

// What a request's body reader keeps while the body arrives: on the
// request itself, so that the listeners below are four functions made once,
// not four closures made per request.
type BodyRead = {chunks: Buffer[]; length: number; limit: number; outgoing: ServerResponse; resolve: (bytes: Uint8Array | undefined) => void; reject: (error: Error) => void};
const BODY_READ = Symbol('signet body read');
type Reading = IncomingMessage & {[BODY_READ]: BodyRead};

// The body's chunks as they come, stopping at `limit`: then the connection
// is closed once answered, instead of draining an endless body.
function readAtMost(incoming: IncomingMessage, outgoing: ServerResponse, limit: number): Promise<Uint8Array | undefined> {
	return new Promise((resolve, reject) => {
		(incoming as Reading)[BODY_READ] = {chunks: [], length: 0, limit, outgoing, resolve, reject};
		incoming.on('data', onData);
		incoming.on('end', onEnd);
		incoming.on('error', onError);
		incoming.on('close', onClose);
	});
}

function onData(this: Reading, chunk: Buffer): void {
	const read = this[BODY_READ];
	read.length += chunk.byteLength;
	if (read.length > read.limit) {
		this.off('data', onData);
		this.pause();
		read.outgoing.shouldKeepAlive = false;
		read.resolve(undefined);
		return;
	}

	read.chunks.push(chunk);
}

function onEnd(this: Reading): void {
	const read = this[BODY_READ];
	read.resolve(joinChunks(read.chunks, read.length));
}

function onError(this: Reading, error: Error): void {
	this[BODY_READ].reject(error);
}

// A client gone before the end of its body: 'end' never comes. (After the
// end, 'close' comes too: no Error is made then, its stack costs.)
function onClose(this: Reading): void {
	if (!this.complete) {
		this[BODY_READ].reject(new Error('the request was closed before its body ended'));
	}
}

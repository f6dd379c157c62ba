/**
 * What the identity handler reads of a request, and nothing more: a Fetch
 * `Request` gives it through {@link fromFetchRequest}, and the node adapter
 * straight from `IncomingMessage`, so a call served by `node:http` never
 * builds a `Request`, a `Headers`, a web stream or an `AbortSignal`.
 */
export type CallRequest = {
	method: string;
	/** The URL's path, normalised as WHATWG URL parsing does (no query). */
	pathname: string;
	/** The URL's query, with its `?` (or `''`): only `GET /v1/readiness` reads one. */
	search: string;
	/** A header's value (duplicates joined with ", "), or `null`; names are case-insensitive. */
	header(name: string): string | null;
	/** The body's bytes, or `undefined` as soon as it passes `limit` (the rest is not read). Rejects if the body cannot be read. */
	bytes(limit: number): Promise<Uint8Array | undefined>;
};

/** An answer as it goes on the wire: status, headers, and the body text (`null` for none). */
export type CallAnswer = {status: number; headers: Record<string, string>; body: string | null};

/** The handler's answer to a {@link CallRequest}, with what the server knows of the caller. */
export type CallHandler = (request: CallRequest, info?: {clientIp?: string}) => Promise<CallAnswer>;

/**
 * Where a handler made by `createIdentityHandler` keeps its {@link CallHandler},
 * for `toNodeListener` to find. A symbol from the global registry, so two
 * copies of the package (ESM and CJS) still recognise each other.
 *
 * @example
 * const answerCall = (handler as {[CALL_HANDLER]?: CallHandler})[CALL_HANDLER];
 */
export const CALL_HANDLER = Symbol.for('signet-js.callHandler');

/**
 * A Fetch `Request` as a {@link CallRequest}.
 *
 * @example
 * const answer = await answerCall(fromFetchRequest(request));
 */
export function fromFetchRequest(request: Request): CallRequest {
	const {pathname, search} = new URL(request.url);
	return {
		method: request.method,
		pathname,
		search,
		header: (name) => request.headers.get(name),
		bytes: (limit) => readAtMost(request, limit),
	};
}

/**
 * A {@link CallAnswer} as a Fetch `Response`.
 *
 * @example
 * return toFetchResponse(await answerCall(fromFetchRequest(request)));
 */
export function toFetchResponse({status, headers, body}: CallAnswer): Response {
	return new Response(body, {status, headers});
}

async function readAtMost(request: Request, limit: number): Promise<Uint8Array | undefined> {
	if (request.body === null) {
		return new Uint8Array(0);
	}

	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let length = 0;
	for (;;) {
		const {done, value} = await reader.read();
		if (done) {
			break;
		}

		length += value.byteLength;
		if (length > limit) {
			// Stop the sender instead of draining the rest of a huge body.
			reader.cancel().catch(() => {});
			return undefined;
		}

		chunks.push(value);
	}

	return joinChunks(chunks, length);
}

/**
 * The chunks of a body as one byte array (the chunk itself when there is
 * only one, the usual case for a small JSON body).
 *
 * @example
 * joinChunks([Buffer.from('{"a"'), Buffer.from(':1}')], 8) // the 8 bytes of {"a":1}
 */
export function joinChunks(chunks: Uint8Array[], length: number): Uint8Array {
	if (chunks.length === 1) {
		return chunks[0];
	}

	const bytes = new Uint8Array(length);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}

	return bytes;
}

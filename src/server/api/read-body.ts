import type {CallRequest} from './call-request';

/** Largest request body read, in bytes. Anything longer is refused before it is parsed. @example 65_536 */
export const MAX_BODY_BYTES = 64 * 1024;

/** The parsed JSON of a body, or why it could not be read. */
export type BodyResult = {ok: true; value: unknown} | {ok: false; message: string; tooLarge?: true};

// The SDK posts text/plain so that a cross-origin call needs no preflight
// (see docs/reference-api.md); application/json is what every other client sends.
const MEDIA_TYPES = new Set(['text/plain', 'application/json']);

// Decoding a whole body at once keeps no state between calls, so one decoder serves every request.
const UTF8 = new TextDecoder('utf-8', {fatal: true});

/**
 * Reads a request's body as UTF-8 JSON, stopping as soon as it passes
 * `maxBytes` ({@link MAX_BODY_BYTES}), so an endless body costs at most that much
 * memory. Never throws.
 *
 * @example
 * const body = await readJsonBody(fromFetchRequest(request));
 * if (!body.ok) return invalid('body', body.message);
 */
export async function readJsonBody(request: CallRequest, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> {
	const contentType = request.header('content-type') ?? 'text/plain';
	const parameters = contentType.indexOf(';');
	const mediaType = (parameters === -1 ? contentType : contentType.slice(0, parameters)).trim().toLowerCase();
	if (!MEDIA_TYPES.has(mediaType)) {
		return {ok: false, message: 'the body must be JSON sent as text/plain or application/json'};
	}

	const declared = Number(request.header('content-length') ?? 0);
	if (declared > maxBytes) {
		return tooLarge(maxBytes);
	}

	let bytes: Uint8Array;
	try {
		const read = await request.bytes(maxBytes);
		if (read === undefined) {
			return tooLarge(maxBytes);
		}

		bytes = read;
	} catch {
		return {ok: false, message: 'the body could not be read'};
	}

	let text: string;
	try {
		text = UTF8.decode(bytes);
	} catch {
		return {ok: false, message: 'the body must be UTF-8 text'};
	}

	try {
		return {ok: true, value: JSON.parse(text) as unknown};
	} catch {
		return {ok: false, message: 'the body must be valid JSON'};
	}
}

function tooLarge(maxBytes: number): BodyResult {
	return {ok: false, message: `the body must be at most ${maxBytes} bytes`, tooLarge: true};
}

/** Largest request body read, in bytes. Anything longer is refused before it is parsed. @example 65_536 */
export const MAX_BODY_BYTES = 64 * 1024;

/** The parsed JSON of a body, or why it could not be read. */
export type BodyResult = {ok: true; value: unknown} | {ok: false; message: string};

// The SDK posts text/plain so that a cross-origin call needs no preflight
// (SPEC §3); application/json is what every other client sends.
const MEDIA_TYPES = new Set(['text/plain', 'application/json']);

/**
 * Reads a request's body as UTF-8 JSON, stopping as soon as it passes
 * {@link MAX_BODY_BYTES}, so an endless body costs at most that much
 * memory. Never throws.
 *
 * @example
 * const body = await readJsonBody(request);
 * if (!body.ok) return invalid('body', body.message);
 */
export async function readJsonBody(request: Request): Promise<BodyResult> {
	const mediaType = (request.headers.get('content-type') ?? 'text/plain').split(';')[0].trim().toLowerCase();
	if (!MEDIA_TYPES.has(mediaType)) {
		return {ok: false, message: 'the body must be JSON sent as text/plain or application/json'};
	}

	const declared = Number(request.headers.get('content-length') ?? 0);
	if (declared > MAX_BODY_BYTES) {
		return tooLarge();
	}

	let bytes: Uint8Array;
	try {
		const read = await readAtMost(request, MAX_BODY_BYTES);
		if (read === undefined) {
			return tooLarge();
		}

		bytes = read;
	} catch {
		return {ok: false, message: 'the body could not be read'};
	}

	let text: string;
	try {
		text = new TextDecoder('utf-8', {fatal: true}).decode(bytes);
	} catch {
		return {ok: false, message: 'the body must be UTF-8 text'};
	}

	try {
		return {ok: true, value: JSON.parse(text) as unknown};
	} catch {
		return {ok: false, message: 'the body must be valid JSON'};
	}
}

function tooLarge(): BodyResult {
	return {ok: false, message: `the body must be at most ${MAX_BODY_BYTES} bytes`};
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

	const bytes = new Uint8Array(length);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}

	return bytes;
}

// Every answer carries an X-Request-Id, so a support ticket, a log line and
// a proxy's access log can be matched. A caller's own id is kept when it is
// a short token of safe characters (a load balancer's or a tracing id);
// anything else is replaced, so no caller can put text of its choosing, or
// something long, into every log line.
import {randomBytes} from 'node:crypto';

/** The longest caller-chosen request id kept. */
export const MAX_REQUEST_ID_LENGTH = 64;

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]+$/;

/**
 * Request ids for one handler: the caller's when it is safe, else this
 * handler's random prefix and a counter (unique across instances, and far
 * cheaper per call than a random UUID).
 *
 * @example
 * const requestIds = new RequestIds();
 * requestIds.of(request.header('x-request-id')) // 'k3j9x2m1q8-1a'
 */
export class RequestIds {
	readonly #prefix = randomBytes(8).toString('base64url').slice(0, 10);
	#count = 0;

	/** The id of a call that sent `header` as its X-Request-Id (null when it sent none). */
	of(header: string | null): string {
		if (header !== null && header.length <= MAX_REQUEST_ID_LENGTH && SAFE_REQUEST_ID.test(header)) {
			return header;
		}

		this.#count += 1;
		return `${this.#prefix}-${this.#count.toString(36)}`;
	}
}

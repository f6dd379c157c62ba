// Sends calls to the identity API with ky. This file is the one boundary
// where ky's and fetch's errors become Signet's.
import ky, { HTTPError, type KyInstance } from 'ky';
import { ApiError } from './errors/api-error';
import { IdentityVerificationError, type VerificationCode } from './errors/identity-verification-error';
import { NetworkError } from './errors/network-error';
import { SignetError } from './errors/signet-error';
import type { Settings } from './options';

const VERIFICATION_CODES: readonly string[] = ['hash_missing', 'hash_invalid', 'hash_expired'];

// 408, 429 and every 5xx are worth another try; other 4xx will not change.
const RETRY_STATUS = [408, 429, ...Array.from({length: 100}, (_, index) => 500 + index)];

// While the browser is offline an attempt would only fail and burn a retry:
// wait for the `online` event instead, however long that takes.
async function whenOnline(): Promise<void> {
	if (globalThis.navigator?.onLine === false) {
		await new Promise((resolve) => {
			addEventListener('online', resolve, {once: true});
		});
	}
}

/**
 * Turns anything a request threw into a `SignetError`: 403 with a
 * verification code → `IdentityVerificationError`, other HTTP errors →
 * `ApiError`, timeouts and unreachable hosts → `NetworkError`. What is
 * thrown is never chained to what was caught: ky's `HTTPError` holds the
 * request, whose body has the hash and whose headers the session token,
 * and error trackers serialise `cause`. Only the status and what the
 * answer said are kept.
 *
 * @example
 * throw await toSignetError(error, settings.apiHost);
 */
export async function toSignetError(error: unknown, apiHost: string): Promise<SignetError> {
	if (error instanceof SignetError) {
		return error;
	}

	if (error instanceof HTTPError) {
		const {status} = error.response;
		const {code, message} = ((await error.response.json().catch(() => 0)) as {error?: {code?: string; message?: string}})?.error ?? {};
		if (status === 403 && VERIFICATION_CODES.includes(code!)) {
			return new IdentityVerificationError(code as VerificationCode, message ?? code!);
		}

		return new ApiError(status, String(code ?? `http_${status}`), String(message ?? `HTTP ${status}`));
	}

	return new NetworkError(`${apiHost} ${(error as Error)?.name === 'TimeoutError' ? 'timed out' : 'is unreachable'}`);
}

/**
 * Posts JSON calls to `{apiHost}/v1/…` with the SDK's retry policy.
 *
 * @example
 * const answer = await new Transport(settings).post('v1/identify', body);
 */
export class Transport {
	readonly #ky: KyInstance;
	readonly #apiHost: string;
	#hidden = false;

	constructor({apiHost, timeoutMs, retries, fetch: send = (...args) => fetch(...args)}: Settings) {
		this.#apiHost = apiHost;
		this.#ky = ky.create({
			prefixUrl: apiHost,
			// Each attempt gets its own deadline, so a hanging answer is
			// retried like a dropped connection.
			timeout: false,
			fetch: (request, init) => send(request, {...init, signal: AbortSignal.timeout(timeoutMs)}),
			retry: {
				limit: retries,
				methods: ['post'],
				statusCodes: RETRY_STATUS,
				afterStatusCodes: RETRY_STATUS,
				maxRetryAfter: 60_000,
				backoffLimit: 10_000,
				// Exponential from 300 ms, half of it random so clients spread out.
				delay: (attempt) => 150 * 2 ** attempt * (0.5 + Math.random() / 2),
			},
			hooks: {beforeRequest: [whenOnline]},
		});
	}

	/** While the page is hidden (pagehide), requests use `keepalive` so they outlive it. */
	hidden(hidden: boolean): void {
		this.#hidden = hidden;
	}

	/**
	 * Posts `body` as `text/plain` JSON (no CORS preflight) and answers the
	 * parsed JSON answer, or throws a `SignetError`. `beacon`: a single
	 * `keepalive` attempt, for calls that must leave even as the page closes.
	 */
	async post(path: string, body: object, {token, beacon}: {token?: string; beacon?: boolean} = {}): Promise<unknown> {
		let response: Response;
		try {
			response = await this.#ky.post(path, {
				body: JSON.stringify(body),
				headers: {'content-type': 'text/plain;charset=UTF-8', ...(token ? {authorization: `Bearer ${token}`} : {})},
				keepalive: beacon || this.#hidden,
				...(beacon ? {retry: 0} : {}),
			});
		} catch (error) {
			throw await toSignetError(error, this.#apiHost);
		}

		try {
			return await response.json();
		} catch {
			// Not chained either: the parser's message may quote the answer.
			throw new ApiError(response.status, 'invalid_response', 'answer is not JSON');
		}
	}
}

// Sends calls to the identity API with ky. This file is the one boundary
// where ky's and fetch's failures and the API's error answers become
// Signet's errors.
import ky, { HTTPError } from 'ky';
import { ApiError } from './errors/api-error';
import { IdentityVerificationError } from './errors/identity-verification-error';
import { NetworkError } from './errors/network-error';
import { SignetError } from './errors/signet-error';
import type { Settings } from './options';
import type { VerificationCode } from '../shared/verification';

// hash_missing, hash_invalid, hash_expired, token_invalid, token_expired.
const VERIFICATION_CODE = /^(hash|token)_/;

// 408, 429 and every 5xx are worth another try; other 4xx will not change.
const RETRY_STATUS = [408, 429, ...Array.from({length: 100}, (_, index) => 500 + index)];

// While the browser is offline an attempt would only fail and burn a retry:
// wait for the `online` event instead, however long that takes. ky looks at
// what a beforeRequest hook resolves to only if it is a Request or a Response.
const whenOnline = () => (globalThis.navigator?.onLine === false ? new Promise<void>((resolve) => addEventListener('online', resolve as () => void, {once: true})) : undefined);

/**
 * Turns anything a request threw or answered into a `SignetError`: 403
 * with a verification code → `IdentityVerificationError`, other error
 * answers → `ApiError`, timeouts and unreachable hosts → `NetworkError`.
 * What is thrown is never chained to what was caught: the request holds
 * the hash in its body and the session token in its headers, and error
 * trackers serialise `cause`. Only the status and what the answer said
 * are kept.
 *
 * @example
 * throw await toSignetError(error, settings.apiHost);
 */
export async function toSignetError(failure: unknown, apiHost: string): Promise<SignetError> {
	if (failure instanceof SignetError) {
		return failure;
	}

	if (failure instanceof HTTPError) {
		const {status} = failure.response;
		const {code, message, hint} = ((await failure.response.json().catch(() => 0)) as {error?: {code?: string; message?: string; hint?: string}})?.error ?? {};
		if (status === 403 && VERIFICATION_CODE.test(code!)) {
			return Object.assign(new IdentityVerificationError(code as VerificationCode, message ?? code!), {hint});
		}

		return new ApiError(status, String(code ?? `http_${status}`), String(message ?? `HTTP ${status}`));
	}

	return new NetworkError(`${apiHost} ${(failure as Error)?.name === 'TimeoutError' ? 'timed out' : 'is unreachable'}`);
}

/** Posts JSON calls to `{apiHost}/v1/…`; what `createTransport` answers. */
export type Transport = {
	/**
	 * Posts `body` as `text/plain` JSON (no CORS preflight) and answers the
	 * parsed JSON answer, or throws a `SignetError`. `beacon`: a single
	 * `keepalive` attempt, for calls that must leave even as the page closes.
	 */
	post(path: string, body: object, options?: {token?: string | undefined; beacon?: boolean}): Promise<unknown>;
};

/**
 * Posts JSON calls to `{apiHost}/v1/…` with ky and the SDK's retry policy:
 * `retries` more attempts after a network failure, a timeout, 408, 429 or
 * 5xx (honouring `Retry-After`), each attempt with its own `timeoutMs`
 * deadline, so a hanging answer is retried like a dropped connection.
 *
 * @example
 * const answer = await createTransport(settings).post('v1/identify', body);
 */
export function createTransport({apiHost, timeoutMs, retries, fetch: send = (...args) => fetch(...args)}: Settings): Transport {
	// While the page goes away (pagehide), requests use `keepalive` so they outlive it.
	let hidden = false;
	globalThis.addEventListener?.('pagehide', () => (hidden = true));
	globalThis.addEventListener?.('pageshow', () => (hidden = false));
	const client = ky.create({
		prefixUrl: apiHost,
		// Each attempt gets its own deadline, inside the fetch ky calls.
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
		// While the browser is offline an attempt would only fail and burn a retry.
		hooks: {beforeRequest: [whenOnline]},
	});
	return {
		async post(path, body, {token, beacon} = {}) {
			let response: Response;
			try {
				response = await client.post(path, {
					body: JSON.stringify(body),
					// A string body is sent as text/plain;charset=UTF-8 (fetch's default): no CORS preflight.
					headers: token ? {authorization: `Bearer ${token}`} : {},
					keepalive: beacon || hidden,
					...(beacon ? {retry: 0} : {}),
				});
			} catch (error) {
				throw await toSignetError(error, apiHost);
			}

			try {
				return await response.json();
			} catch {
				// Not chained either: the parser's message may quote the answer.
				throw new ApiError(response.status, 'invalid_response', 'answer is not JSON');
			}
		},
	};
}

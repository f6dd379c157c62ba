// Sends calls to the identity API with fetch, and retries them. This file
// is the one boundary where fetch's failures and the API's error answers
// become Signet's errors. It is the part of ky the SDK used (POST, retries
// with backoff and Retry-After, a deadline per attempt), in a few lines:
// the script-tag file is 3 kB smaller and an app on any ky version ships
// no second copy.
import { ApiError } from './errors/api-error';
import { IdentityVerificationError } from './errors/identity-verification-error';
import { NetworkError } from './errors/network-error';
import { SignetError } from './errors/signet-error';
import type { Settings } from './options';
import type { VerificationCode } from './shared/verification';

const VERIFICATION_CODES: readonly string[] = ['hash_missing', 'hash_invalid', 'hash_expired'];

// 408, 429 and every 5xx are worth another try; other 4xx will not change.
const retryable = (status: number) => status === 408 || status === 429 || status > 499;

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
 * How long to wait before retry number `attempt` (1 for the first retry):
 * what the server's `Retry-After` asks (seconds or a date), at most a
 * minute; otherwise exponential from 300 ms, at most 10 s, half of it
 * random so clients spread out.
 *
 * @example
 * retryDelay(1, response) // 2000 for `Retry-After: 2`
 */
export function retryDelay(attempt: number, response?: Response): number {
	const after = response?.headers.get('retry-after');
	if (after) {
		const wait = /^\d+$/.test(after) ? Number(after) * 1000 : Date.parse(after) - Date.now();
		if (wait >= 0) {
			return Math.min(wait, 60_000);
		}
	}

	return Math.min(10_000, 150 * 2 ** attempt * (0.5 + Math.random() / 2));
}

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
 * throw await toSignetError(response, settings.apiHost);
 */
export async function toSignetError(failure: unknown, apiHost: string): Promise<SignetError> {
	if (failure instanceof SignetError) {
		return failure;
	}

	if (failure instanceof Response) {
		const {status} = failure;
		const {code, message, hint} = ((await failure.json().catch(() => 0)) as {error?: {code?: string; message?: string; hint?: string}})?.error ?? {};
		if (status === 403 && VERIFICATION_CODES.includes(code!)) {
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
 * Posts JSON calls to `{apiHost}/v1/…` with the SDK's retry policy:
 * `retries` more attempts after a network failure, a timeout, 408, 429 or
 * 5xx, each attempt with its own `timeoutMs` deadline, so a hanging answer
 * is retried like a dropped connection.
 *
 * @example
 * const answer = await createTransport(settings).post('v1/identify', body);
 */
export function createTransport({apiHost, timeoutMs, retries, fetch: send = (...args) => fetch(...args)}: Settings): Transport {
	// While the page goes away (pagehide), requests use `keepalive` so they outlive it.
	let hidden = false;
	globalThis.addEventListener?.('pagehide', () => (hidden = true));
	globalThis.addEventListener?.('pageshow', () => (hidden = false));
	return {
		async post(path, body, {token, beacon} = {}) {
			for (let attempt = 1; ; attempt++) {
				await whenOnline();
				let response: Response | undefined;
				let failure: unknown;
				try {
					response = await send(
						new Request(`${apiHost}/${path}`, {
							method: 'POST',
							body: JSON.stringify(body),
							headers: {'content-type': 'text/plain;charset=UTF-8', ...(token ? {authorization: `Bearer ${token}`} : {})},
							keepalive: beacon || hidden,
							signal: AbortSignal.timeout(timeoutMs),
						}),
					);
					if (response.ok) {
						try {
							return await response.json();
						} catch {
							// Not chained either: the parser's message may quote the answer.
							throw new ApiError(response.status, 'invalid_response', 'answer is not JSON');
						}
					}
				} catch (error) {
					failure = error;
				}

				if (failure instanceof SignetError || beacon || attempt > retries || (response && !retryable(response.status))) {
					throw await toSignetError(failure ?? response, apiHost);
				}

				await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt, response)));
			}
		},
	};
}

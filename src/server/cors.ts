/** The methods a page may use, as answered to a preflight and in `Allow`. @example 'POST, OPTIONS' */
export const ALLOWED_METHODS = 'POST, OPTIONS';
/** The request headers a page may send: JSON, and the session token for /v1/user and /v1/logout. @example 'Content-Type, Authorization' */
export const ALLOWED_HEADERS = 'Content-Type, Authorization';
/** How long a browser may cache a preflight, in seconds (a day). @example 86_400 */
export const PREFLIGHT_MAX_AGE = 86_400;

/**
 * The CORS headers of an answer. Every answer varies by Origin (so a cache
 * never hands one origin's answer to another); an allowed origin also gets
 * `Access-Control-Allow-Origin`, on errors too, so the SDK can read why a
 * call failed, and may read `Retry-After`.
 *
 * @example
 * corsHeaders('https://app.example.com', client.origins)
 * // {Vary: 'Origin', 'Access-Control-Allow-Origin': 'https://app.example.com', …}
 */
export function corsHeaders(origin: string | null, allowed: Set<string>): Record<string, string> {
	if (origin === null || !allowed.has(origin)) {
		return {Vary: 'Origin'};
	}

	return {
		Vary: 'Origin',
		'Access-Control-Allow-Origin': origin,
		'Access-Control-Expose-Headers': 'Retry-After',
	};
}

/**
 * The headers of a successful preflight: what the SDK sends (JSON as
 * text/plain, or with `Authorization` for `/v1/user` and `/v1/logout`).
 *
 * @example
 * new Response(null, {status: 204, headers: preflightHeaders(origin)})
 */
export function preflightHeaders(origin: string): Record<string, string> {
	return {
		...corsHeaders(origin, new Set([origin])),
		'Access-Control-Allow-Methods': ALLOWED_METHODS,
		'Access-Control-Allow-Headers': ALLOWED_HEADERS,
		'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE),
	};
}

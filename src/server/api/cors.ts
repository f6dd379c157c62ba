import type {Settings} from '../config/settings';
import {errorReply, type Reply} from './reply';

/** The methods a page may use, as answered to a preflight and in `Allow`. @example 'POST, OPTIONS' */
export const ALLOWED_METHODS = 'POST, OPTIONS';
/** The request headers a page may send: JSON, and the session token for /v1/user and /v1/logout. @example 'Content-Type, Authorization' */
export const ALLOWED_HEADERS = 'Content-Type, Authorization';
/** How long a browser may cache a preflight, in seconds (a day). @example 86_400 */
export const PREFLIGHT_MAX_AGE = 86_400;

/**
 * The origin an answer allows (`Access-Control-Allow-Origin`): the
 * request's, when it is one of `allowed`, else none. Every answer also
 * varies by Origin, so a cache never hands one origin's answer to
 * another; an allowed origin gets errors too, so the SDK can read why a
 * call failed, and may read `Retry-After` where there is one (see `answerOf`).
 *
 * @example
 * allowedOrigin('https://app.example.com', client.origins) // 'https://app.example.com'
 */
export function allowedOrigin(origin: string | null, allowed: Set<string>): string | undefined {
	return origin !== null && allowed.has(origin) ? origin : undefined;
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
		Vary: 'Origin',
		'Access-Control-Allow-Origin': origin,
		'Access-Control-Allow-Methods': ALLOWED_METHODS,
		'Access-Control-Allow-Headers': ALLOWED_HEADERS,
		'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE),
	};
}

/**
 * The answer to an OPTIONS request: a CORS preflight from an origin some
 * client allows (any client's: there is no body yet to say which), a 403
 * from any other origin, and what the endpoint allows when no origin asks.
 *
 * @example
 * if (request.method === 'OPTIONS') return preflight(request.header('origin'), settings);
 */
export function preflight(origin: string | null, settings: Settings): Reply {
	if (origin === null) {
		// Not a CORS preflight: a plain OPTIONS asking what the endpoint allows.
		return {status: 204, body: undefined, headers: {Allow: ALLOWED_METHODS}};
	}

	// There is no body yet, so no client: any client's origin may go on, and
	// the call itself is then answered with its own client's origins.
	if (!settings.origins.has(origin)) {
		return errorReply(403, 'origin_not_allowed', "this origin is in no client's allowedOrigins");
	}

	return {status: 204, body: undefined, headers: preflightHeaders(origin)};
}

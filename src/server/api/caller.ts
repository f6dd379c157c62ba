// Who is calling, beyond the Request itself: the caller's IP, from the
// adapter (toNodeListener) or from the configuration's clientIp, for the
// per-IP limits; and the one warning when there is none.

/**
 * What the server knows of a request beyond the Request itself.
 *
 * @example
 * handler(request, {clientIp: '203.0.113.7'})
 */
export type CallerInfo = {
	/** The caller's IP address, for the per-IP rate limits; `toNodeListener` fills it in, else the configuration's `clientIp` reads it from the request. Without either no per-IP limit applies. */
	clientIp?: string;
};

const NO_CLIENT_IP =
	"the identity API got a call without the caller's IP: per-IP rate limits are off, and failed readiness keys from anyone count against everyone. Give createIdentityHandler a clientIp option (the header your proxy sets), or serve it with startServer or toNodeListener";

/**
 * The caller's info for a Fetch request: the IP it came with, else the one
 * `clientIp` reads from the request (one that throws is a missing IP, not
 * a failed call), else none.
 *
 * @example
 * callerOf(request, undefined, (request) => request.headers.get('x-real-ip') ?? undefined) // {clientIp: '203.0.113.7'}
 */
export function callerOf(request: Request, info: CallerInfo | undefined, clientIp: ((request: Request) => string | undefined) | undefined): CallerInfo {
	if (info?.clientIp !== undefined || clientIp === undefined) {
		return info ?? {};
	}

	let ip: unknown;
	try {
		ip = clientIp(request);
	} catch {}

	return typeof ip === 'string' && ip !== '' ? {clientIp: ip} : {};
}

/**
 * A function that warns once (`SIGNET_NO_CLIENT_IP`) that calls come
 * without the caller's IP. Said on the first such call, not at creation:
 * toNodeListener, which gives every call its IP, takes a handler that was
 * made before it.
 *
 * @example
 * const warnOfNoIp = noIpWarning();
 * if (info.clientIp === undefined) warnOfNoIp();
 */
export function noIpWarning(): () => void {
	let warned = false;
	return () => {
		if (!warned) {
			warned = true;
			process.emitWarning(NO_CLIENT_IP, {code: 'SIGNET_NO_CLIENT_IP'});
		}
	};
}

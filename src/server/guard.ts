/** Why `signet-js/server` refuses to load in a browser. @example throw new Error(SERVER_ONLY_MESSAGE) */
export const SERVER_ONLY_MESSAGE =
	'signet-js/server is for Node.js only: it signs with your private key, and the private key must stay on the server. ' +
	'In the browser, import "signet-js" and pass it the hash your server computed.';

/**
 * Throws when `signet-js/server` is evaluated in a browser-like environment
 * (a `window` and no `process`), where a bundler without the `browser`
 * export condition may have put it. Shipping it there would mean shipping
 * the private key too.
 *
 * @example
 * assertServerEnvironment(); // throws in a browser, nothing in Node
 */
export function assertServerEnvironment(): void {
	if (typeof window !== 'undefined' && typeof process === 'undefined') {
		throw new Error(SERVER_ONLY_MESSAGE);
	}
}

// The one thing in signet-js/server that runs at import (the one exception to nothing running at import):
// the point is to fail before any signing code can be reached.
assertServerEnvironment();

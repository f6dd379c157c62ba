// GET …/console: the console page (SPEC §6), served by the API itself, so
// it calls /v1/admin/* on its own origin. Its script and style are the
// console build, embedded in this file's bundle at build time and served
// under names versioned by their content, cached for a year. Only with the
// control plane on; with it off, every console path is 404.
import {CONSOLE_ASSETS} from 'signet:console-assets';
import type {CallRequest} from './call-request';
import {errorReply, type Reply} from './reply';

/** The console's Content-Security-Policy: its own files only, no inline script or style, never framed. */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const ASSETS = '/console/assets/';

/**
 * Whether a path is the console's: the page (`…/console`) or one of its files.
 *
 * @example
 * isConsolePath('/api/console') // true
 */
export function isConsolePath(pathname: string): boolean {
	return pathname.endsWith('/console') || pathname.includes(ASSETS);
}

/**
 * Answers a console path: the page, its script or its style; 404 with the
 * control plane off, or for a file name no build made.
 *
 * @example
 * return answerConsole(request, state.control !== undefined);
 */
export function answerConsole(request: CallRequest, adminOn: boolean): Reply {
	if (!adminOn) {
		return errorReply(404, 'not_found', 'the console is off: createIdentityHandler needs admin: {ownerKey, masterKey}');
	}

	if (request.method !== 'GET' && request.method !== 'HEAD') {
		return errorReply(405, 'method_not_allowed', 'the console answers GET only', {headers: {Allow: 'GET, HEAD'}});
	}

	if (CONSOLE_ASSETS === undefined) {
		return errorReply(503, 'server_error', 'the console was not built: run npm run build');
	}

	const {js, css} = CONSOLE_ASSETS;
	const {pathname} = request;
	if (!pathname.includes(ASSETS)) {
		return page(js.name, css.name);
	}

	const name = pathname.slice(pathname.lastIndexOf('/') + 1);
	const asset = name === js.name ? {type: 'text/javascript; charset=utf-8', text: js.text} : name === css.name ? {type: 'text/css; charset=utf-8', text: css.text} : undefined;
	if (asset === undefined) {
		return errorReply(404, 'not_found', 'no such console file: reload the console to get the current ones');
	}

	return {status: 200, body: undefined, raw: {contentType: asset.type, text: asset.text}, headers: {'Cache-Control': 'public, max-age=31536000, immutable'}};
}

// Relative addresses: the page is …/console, so its files are …/console/assets/…, under any prefix.
function page(script: string, style: string): Reply {
	const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Signet console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="console/assets/${style}">
<script type="module" src="console/assets/${script}"></script>
</head>
<body>
<div id="console"><noscript>The Signet console needs JavaScript.</noscript></div>
</body>
</html>
`;
	return {
		status: 200,
		body: undefined,
		raw: {contentType: 'text/html; charset=utf-8', text: html},
		headers: {'Content-Security-Policy': CONSOLE_CSP, 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-cache'},
	};
}

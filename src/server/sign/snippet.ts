// The async snippet a page pastes into <head>, made on the server that
// renders the page: dist/snippet.min.js with the address of signet.umd.js
// in place of SIGNET_UMD_URL and, given the file's digest, Subresource
// Integrity on the script it injects. The digest is added here, not in
// dist/snippet.min.js, so the snippet without one stays as small as before.
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

/** The placeholder of dist/snippet.min.js that stands for the address of signet.umd.js. */
export const SNIPPET_PLACEHOLDER = 'SIGNET_UMD_URL';

/** What {@link asyncSnippet} takes besides the address. */
export type SnippetOptions = {
	/**
	 * The Subresource Integrity of signet.umd.js: `sha384-` and the base64
	 * SHA-384 of the file (a bare base64 SHA-384 is read as one). The
	 * injected script then carries `integrity` and `crossOrigin =
	 * 'anonymous'`, and the browser refuses a file that does not match.
	 * @default none: the snippet as dist/snippet.min.js has it
	 */
	integrity?: string;
	/**
	 * The snippet's code, with its `SIGNET_UMD_URL` placeholder.
	 * @default this package's dist/snippet.min.js
	 */
	code?: string;
};

// sha256/384/512 and a base64 digest: nothing that could end the string literal it goes into.
const INTEGRITY = /^sha(256|384|512)-[A-Za-z\d+/]+={0,2}$/;
// A bare base64 SHA-384: 48 bytes.
const BARE_SHA384 = /^[A-Za-z\d+/]{64}$/;

/**
 * The async snippet for a page's `<head>` (its code: put it inside a
 * `<script>`), loading signet.umd.js from `src`, pinned by `integrity` when
 * given.
 *
 * @example
 * const umd = readFileSync(require.resolve('signet-js/dist/signet.umd.js'));
 * const code = asyncSnippet('https://cdn.jsdelivr.net/npm/signet-js@0.1.0/dist/signet.umd.js', {integrity: subresourceIntegrity(umd)});
 * html = `<script>${code}</script>`;
 */
export function asyncSnippet(src: string, {integrity, code = packagedSnippet()}: SnippetOptions = {}): string {
	if (typeof src !== 'string' || src === '') {
		throw new TypeError('asyncSnippet needs src, the address of signet.umd.js');
	}

	// A JavaScript string inside an HTML <script>: quoted, and no `</script>` can end the element early.
	const literal = (value: string) => JSON.stringify(value).replaceAll('</', '<\\/');
	const placeholder = `"${SNIPPET_PLACEHOLDER}"`;
	if (!code.includes(placeholder)) {
		throw new TypeError(`asyncSnippet needs code with the ${placeholder} placeholder of dist/snippet.min.js`);
	}

	if (integrity === undefined) {
		return code.replace(placeholder, () => literal(src));
	}

	const pinned = typeof integrity === 'string' && BARE_SHA384.test(integrity) ? `sha384-${integrity}` : integrity;
	if (typeof pinned !== 'string' || !INTEGRITY.test(pinned)) {
		throw new TypeError('asyncSnippet needs integrity as sha384- (or sha256-, sha512-) and a base64 digest');
	}

	// `<script>.src = "SIGNET_UMD_URL"`, whatever the minifier named the element.
	const assignment = new RegExp(`([\\w$]+)\\.src=${placeholder}`);
	if (!assignment.test(code)) {
		throw new TypeError(`asyncSnippet cannot pin this code: it has no <script>.src=${placeholder}`);
	}

	return code.replace(assignment, (_, script: string) => `${script}.src=${literal(src)},${script}.integrity=${literal(pinned)},${script}.crossOrigin="anonymous"`);
}

/**
 * The Subresource Integrity of a file, `sha384-` and its base64 SHA-384:
 * what `openssl dgst -sha384 -binary signet.umd.js | openssl base64 -A` prints, prefixed.
 *
 * @example
 * subresourceIntegrity(readFileSync(require.resolve('signet-js/dist/signet.umd.js'))) // 'sha384-…'
 */
export function subresourceIntegrity(file: Uint8Array | string): string {
	return `sha384-${createHash('sha384').update(file).digest('base64')}`;
}

function packagedSnippet(): string {
	// The package's own file, by its exported name, from src/ as from dist/.
	const require = createRequire(import.meta.url);
	return readFileSync(require.resolve('signet-js/dist/snippet.min.js'), 'utf8').trim();
}

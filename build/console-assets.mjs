// The console's built files (dist/console/, written by the first build of
// rollup.config.mjs) as a module the server imports: their text and a name
// versioned by their content. Rollup embeds them in dist/server.*, so the
// handler serves them in any runtime the Fetch handler runs in; Vitest runs
// src/ through this same plugin (vitest.config.ts), reading what the last
// `npm run build` wrote.
import {createHash} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';

/** The module id `src/server/api/console.ts` imports. */
export const CONSOLE_ASSETS_ID = 'signet:console-assets';
const RESOLVED = `\0${CONSOLE_ASSETS_ID}`;

/**
 * @param {{dir: URL, required: boolean}} options `required`: a missing build fails (rollup); else the module answers `undefined` (a test run before any build).
 */
export function consoleAssets({dir, required}) {
	return {
		name: 'console-assets',
		resolveId: (id) => (id === CONSOLE_ASSETS_ID ? RESOLVED : null),
		load(id) {
			if (id !== RESOLVED) {
				return null;
			}

			const js = new URL('console.js', dir);
			const css = new URL('console.css', dir);
			if (!existsSync(js) || !existsSync(css)) {
				if (required) {
					throw new Error('dist/console/ is missing: the console build must run before the server build (rollup.config.mjs)');
				}

				return 'export const CONSOLE_ASSETS = undefined;';
			}

			const asset = (url, extension) => {
				const text = readFileSync(url, 'utf8');
				const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
				return {name: `console.${hash}.${extension}`, text};
			};
			return `export const CONSOLE_ASSETS = ${JSON.stringify({js: asset(js, 'js'), css: asset(css, 'css')})};`;
		},
	};
}

// Bytes of every shipped browser file: raw, gzip -9 and brotli (quality 11,
// what a CDN serves). "ESM with ky" is dist/signet.mjs bundled with ky and
// minified, as an app's bundler would ship it.
import {readFileSync} from 'node:fs';
import {brotliCompressSync, constants, gzipSync} from 'node:zlib';
import {nodeResolve} from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import {rollup} from 'rollup';

const distPath = (name) => new URL(`../dist/${name}`, import.meta.url).pathname;

/** Raw, gzip -9 and brotli sizes of `code`. */
export function sizes(code) {
	const bytes = Buffer.from(code);
	return {
		raw: bytes.length,
		gzip: gzipSync(bytes, {level: 9}).length,
		brotli: brotliCompressSync(bytes, {params: {[constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length}}).length,
	};
}

/** dist/signet.mjs with ky resolved from node_modules, tree-shaken and minified like the shipped files. */
async function esmWithKy() {
	const bundle = await rollup({input: distPath('signet.mjs'), plugins: [nodeResolve({browser: true})]});
	try {
		const {output} = await bundle.generate({format: 'es', plugins: [terser({ecma: 2022, compress: {passes: 2}, format: {comments: false}})]});
		return output[0].code;
	} finally {
		await bundle.close();
	}
}

/**
 * The sizes of every browser file, keyed by what the table shows, with
 * the budget where the issue sets one (gzip -9, or raw for the snippet).
 */
export async function measureSizes() {
	return {
		'dist/signet.umd.js': {...sizes(readFileSync(distPath('signet.umd.js'))), budget: {gzip: 8000}},
		'dist/signet.mjs, without ky': {...sizes(readFileSync(distPath('signet.mjs'))), budget: {gzip: 4700}},
		'dist/signet.mjs, with ky': sizes(await esmWithKy()),
		'dist/snippet.min.js': {...sizes(readFileSync(distPath('snippet.min.js'))), budget: {raw: 600}},
	};
}

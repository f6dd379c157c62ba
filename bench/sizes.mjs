// Bytes of every shipped browser file: raw, gzip -9 and brotli (quality 11,
// what a CDN serves). The ESM file imports nothing, so it is what an app's
// bundler ships.
import {readFileSync} from 'node:fs';
import {brotliCompressSync, constants, gzipSync} from 'node:zlib';

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

/**
 * The sizes of every browser file, keyed by what the table shows, with
 * the budget where the issue sets one (gzip -9, or raw for the snippet).
 */
export async function measureSizes() {
	return {
		'dist/signet.umd.js': {...sizes(readFileSync(distPath('signet.umd.js'))), budget: {gzip: 8000}},
		'dist/signet.mjs': {...sizes(readFileSync(distPath('signet.mjs'))), budget: {gzip: 4700}},
		'dist/snippet.min.js': {...sizes(readFileSync(distPath('snippet.min.js'))), budget: {raw: 600}},
	};
}

// One config for every shipped file. The browser entries never import
// src/server and the server entries never import browser code (STYLE §8);
// each build gets its own TypeScript plugin so their programs stay apart.
import {readFileSync, writeFileSync} from 'node:fs';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import {nodeResolve} from '@rollup/plugin-node-resolve';
import {dts} from 'rollup-plugin-dts';
import {consoleAssets} from './build/console-assets.mjs';

// The server embeds the console's files, built first (below) into dist/console/.
const serverTs = () => [
	consoleAssets({dir: new URL('./dist/console/', import.meta.url), required: true}),
	typescript({tsconfig: './tsconfig.server.json', compilerOptions: {declaration: false}}),
];

const browserTs = () =>
	typescript({tsconfig: './tsconfig.build.json', compilerOptions: {declaration: false}});

// Both browser files ship minified: their size is a budget (test/size.test.ts).
const minify = () =>
	terser({ecma: 2022, compress: {passes: 3, unsafe: true, unsafe_arrows: true, unsafe_methods: true, pure_getters: true}, format: {comments: false}});

// Keeps the snippet's placeholder a literal string, as the README promises.
const snippetFile = {
	name: 'snippet-file',
	writeBundle(options) {
		const code = readFileSync(options.file, 'utf8').trim();
		writeFileSync(options.file, code);
	},
};

// The console's style: its own, then uPlot's, as one file beside its script.
const consoleCss = {
	name: 'console-css',
	writeBundle() {
		const parts = ['src/console/console.css', 'node_modules/uplot/dist/uPlot.min.css'].map((file) => readFileSync(file, 'utf8').trim());
		writeFileSync('dist/console/console.css', `${parts.join('\n')}\n`);
	},
};

export default [
	// The console (GET …/console of the reference API): built first, since
	// the server builds embed its files. Not part of the SDK's files.
	{
		input: 'src/console/main.tsx',
		output: {file: 'dist/console/console.js', format: 'es', plugins: [minify()]},
		plugins: [nodeResolve({browser: true}), browserTs(), consoleCss],
	},
	// Browser SDK, ESM for bundlers: ky stays a dependency.
	{
		input: 'src/browser/index.ts',
		external: ['ky'],
		output: {file: 'dist/signet.mjs', format: 'es', sourcemap: true, plugins: [minify()]},
		plugins: [browserTs()],
	},
	// Browser SDK for a script tag: ky bundled in, minified.
	{
		input: 'src/browser/umd.ts',
		output: {
			file: 'dist/signet.umd.js',
			format: 'umd',
			name: 'Signet',
			exports: 'default',
			sourcemap: true,
			plugins: [minify()],
		},
		plugins: [nodeResolve({browser: true}), browserTs()],
	},
	// The async snippet customers paste into <head>.
	{
		input: 'src/browser/snippet.js',
		output: {
			file: 'dist/snippet.min.js',
			format: 'es',
			plugins: [
				terser({
					ecma: 2020,
					module: false,
					compress: {passes: 3, unsafe: true},
					mangle: {toplevel: true},
					format: {comments: false},
				}),
			],
		},
		plugins: [snippetFile],
	},
	{
		input: 'src/browser/index.ts',
		external: ['ky'],
		output: {file: 'dist/signet.d.ts', format: 'es'},
		plugins: [dts({tsconfig: './tsconfig.build.json'})],
	},
	// signet-js/react: React and the core stay imports, so an app has one of each.
	{
		input: 'src/react/index.ts',
		external: ['react', 'signet-js'],
		output: {file: 'dist/react.mjs', format: 'es', sourcemap: true},
		plugins: [browserTs()],
	},
	{
		input: 'src/react/index.ts',
		external: ['react', 'signet-js'],
		output: {file: 'dist/react.d.ts', format: 'es'},
		plugins: [dts({tsconfig: './tsconfig.build.json'})],
	},
	// signet-js/vue: Vue and the core stay imports, as for React; minified,
	// as its budget is what it adds to an app (test/size.test.ts).
	{
		input: 'src/vue/index.ts',
		external: ['vue', 'signet-js'],
		output: {file: 'dist/vue.mjs', format: 'es', sourcemap: true, plugins: [minify()]},
		plugins: [browserTs()],
	},
	{
		input: 'src/vue/index.ts',
		external: ['vue', 'signet-js'],
		output: {file: 'dist/vue.d.ts', format: 'es'},
		plugins: [dts({tsconfig: './tsconfig.build.json'})],
	},
	// signet-js/server: ESM and CJS for Node ≥ 20.19. jose stays a
	// dependency; it is ESM-only, which the CJS file loads through
	// require(esm), unflagged since Node 20.19.
	{
		input: 'src/server/index.ts',
		external: [/^node:/, 'jose', 'prom-client'],
		output: [
			{file: 'dist/server.mjs', format: 'es', sourcemap: true},
			{file: 'dist/server.cjs', format: 'cjs', sourcemap: true, exports: 'named'},
		],
		plugins: [serverTs()],
	},
	// `npx signet-js check-hash`: a Node command, never part of a browser bundle.
	{
		input: 'src/server/cli.ts',
		external: [/^node:/, 'jose', 'prom-client'],
		output: {file: 'dist/cli.mjs', format: 'es', banner: '#!/usr/bin/env node'},
		plugins: [serverTs()],
	},
	// signet-js/server/postgres: its own files, so that only those who import
	// it need `pg` (an optional peer, never bundled).
	{
		input: 'src/server/store/postgres/index.ts',
		external: ['pg', /^node:/],
		output: [
			{file: 'dist/server-postgres.mjs', format: 'es', sourcemap: true},
			{file: 'dist/server-postgres.cjs', format: 'cjs', sourcemap: true, exports: 'named'},
		],
		plugins: [serverTs()],
	},
	{
		input: 'src/server/store/postgres/index.ts',
		external: ['pg', /^node:/],
		output: [
			{file: 'dist/server-postgres.d.ts', format: 'es'},
			{file: 'dist/server-postgres.d.cts', format: 'es'},
		],
		plugins: [dts({tsconfig: './tsconfig.server.json'})],
	},
	// What a browser bundler gets for signet-js/server: an error at import.
	{
		input: 'src/server/browser.ts',
		output: {file: 'dist/server-browser.mjs', format: 'es'},
		plugins: [serverTs()],
	},
	{
		input: 'src/server/index.ts',
		external: [/^node:/, 'jose', 'prom-client'],
		output: [
			{file: 'dist/server.d.ts', format: 'es'},
			{file: 'dist/server.d.cts', format: 'es'},
		],
		plugins: [dts({tsconfig: './tsconfig.server.json'})],
	},
];

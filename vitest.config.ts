import {defineConfig} from 'vitest/config';
import {consoleAssets} from './build/console-assets.mjs';

export default defineConfig({
	// src/server/api/console.ts serves the console's built files, as the bundle embeds them (the last `npm run build`'s).
	plugins: [consoleAssets({dir: new URL('./dist/console/', import.meta.url), required: false})],
	// src/react imports the core by its package name, as the built file does.
	resolve: {alias: [{find: /^signet-js$/, replacement: new URL('./src/browser/index.ts', import.meta.url).pathname}]},
	test: {
		include: ['test/**/*.test.ts'],
		testTimeout: 20_000,
		hookTimeout: 60_000,
		// The browser suites share one Chromium per file; two cores are all CI has.
		maxWorkers: 2,
	},
});

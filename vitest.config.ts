import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts'],
		testTimeout: 20_000,
		hookTimeout: 60_000,
		// The browser suites share one Chromium per file; two cores are all CI has.
		maxWorkers: 2,
	},
});

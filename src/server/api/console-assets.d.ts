// The console's built files, embedded by the `console-assets` plugin
// (build/console-assets.mjs): `undefined` in a test run before any build.
declare module 'signet:console-assets' {
	type Asset = {name: string; text: string};
	export const CONSOLE_ASSETS: {js: Asset; css: Asset} | undefined;
}

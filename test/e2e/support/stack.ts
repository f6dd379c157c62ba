// The customer's site and the identity API of a browser suite, started for
// the file and closed after it, plus the pages the suites load.
import {readFileSync} from 'node:fs';
import type {BrowserContext} from 'playwright-core';
import {afterAll, beforeAll, beforeEach} from 'vitest';
import {asyncSnippet} from '../../../src/server/index';
import {type Api, startApi} from './api';
import {type PageServer, startPageServer} from './page-server';
import {sign} from './secrets';

const DIST = new URL('../../../dist/', import.meta.url);

/** A file of the build, as shipped. */
export function distFile(name: string): Buffer {
	return readFileSync(new URL(name, DIST));
}

/**
 * The async snippet as a customer pastes it, made from dist/snippet.min.js
 * by asyncSnippet, pointing at this site's UMD file (or `src`), pinned with
 * `integrity` when given.
 */
export function snippet(pages: PageServer, {src = `${pages.url}/dist/signet.umd.js`, integrity}: {src?: string; integrity?: string} = {}): string {
	return asyncSnippet(src, {integrity, code: distFile('snippet.min.js').toString('utf8')});
}

/** A page that loads the UMD file with a plain script tag. */
export function umdPage(): string {
	return '<!doctype html><html><head><meta charset="utf-8"><script src="/dist/signet.umd.js"></script></head><body></body></html>';
}

/**
 * A page that imports the ESM build through an import map (as a bundler
 * would resolve it) and exposes the module as window.signet.
 */
export function esmPage(): string {
	const imports = {'signet-js': '/dist/signet.mjs', ky: '/node_modules/ky/distribution/index.js'};
	return `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">${JSON.stringify({imports})}</script>
<script type="module">import * as signet from 'signet-js'; window.signet = signet;</script>
</head><body></body></html>`;
}

/**
 * Logs a browser context in on the page server as `userId`, as the
 * customer's login would (a session cookie): from then on the page's /sign
 * signs that user, and no other.
 */
export async function logIn(context: BrowserContext, pages: PageServer, userId: string): Promise<void> {
	const response = await context.request.post(`${pages.url}/login`, {data: userId});
	if (response.status() !== 204) {
		throw new Error(`login as ${userId} answered ${response.status()}`);
	}
}

export type Stack = {pages: PageServer; api: Api};

/**
 * Starts the page server and the reference API for this file (the API
 * allows the page origin); the answer is filled in before the tests run,
 * and its request records start from zero in each test.
 */
export function useStack({apiNow}: {apiNow?: () => Date} = {}): Stack {
	const stack = {} as Stack;
	beforeAll(async () => {
		stack.pages = await startPageServer({sign: (userId, ttlSeconds) => sign(userId, {ttlSeconds})});
		stack.api = await startApi(stack.pages.url, {now: apiNow});
	});
	beforeEach(() => {
		stack.api.reset();
		stack.pages.reset();
	});
	afterAll(async () => {
		await stack.api?.close();
		await stack.pages?.close();
	});
	return stack;
}

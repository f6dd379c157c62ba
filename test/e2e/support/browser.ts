// One Chromium per test file, a fresh context per test, and what every
// browser test checks when it ends: the page reported no uncaught error and
// no unhandled rejection, and left no piece of any hash in its storage,
// cookies, request URLs or console.
import type {Browser, BrowserContext, Page} from 'playwright-core';
import {afterAll, afterEach, beforeAll, describe, it} from 'vitest';
import {browserRequired, chromiumPath, launchChromium} from '../../support/chromium.mjs';
import {leakedIn} from './secrets';

/** The machine's Chromium, or undefined (the browser suites are then skipped). */
export const chromium = chromiumPath();

/**
 * `describe` for a suite that needs Chromium: skipped, with a warning that
 * says so, on a machine without one, unless SIGNET_REQUIRE_BROWSER=1 makes
 * the missing browser a failing test.
 */
export function describeBrowser(name: string, suite: () => void): void {
	if (!chromium) {
		if (browserRequired) {
			describe(name, () => {
				it('runs in Chromium (SIGNET_REQUIRE_BROWSER=1)', () => {
					throw new Error('No Chromium found and SIGNET_REQUIRE_BROWSER=1: apt-get install -y chromium, or set CHROMIUM_PATH.');
				});
			});
			return;
		}

		console.warn(`browser suites skipped: no Chromium (${name}; apt-get install -y chromium or set CHROMIUM_PATH, SIGNET_REQUIRE_BROWSER=1 makes this a failure)`);
	}

	describe.skipIf(!chromium)(name, suite);
}

/** A page and everything it reported. */
export type Watched = {
	page: Page;
	context: BrowserContext;
	console: Array<{type: string; text: string}>;
	/** The console.warn lines. */
	warnings(): string[];
	/** Uncaught errors (pageerror). */
	pageErrors: string[];
	/** Every request the page made: method and URL. */
	requests: Array<{method: string; url: string}>;
	/** The reasons of the page's unhandledrejection events. */
	unhandled(): Promise<string[]>;
};

// Installed before any script of the page (so before the SDK): records
// unhandled rejections, and gives tests a way to read a promise's outcome,
// error name and code included.
const INIT_SCRIPT = `
window.__unhandled = [];
addEventListener('unhandledrejection', (event) => {
	const reason = event.reason;
	window.__unhandled.push(String(reason && reason.name) + ': ' + String(reason && reason.message));
});
window.__settle = (promise) => Promise.resolve(promise).then(
	(value) => ({ok: true, value}),
	(error) => ({ok: false, name: error && error.name, code: error && error.code, message: String(error && error.message), status: error && error.status, apiCode: error && error.apiCode}),
);
`;

/** What `__settle` answers in the page. */
export type Settled = {ok: boolean; value?: any; name?: string; code?: string; message?: string; status?: number; apiCode?: string};

/**
 * Launches Chromium for this file (beforeAll) and closes it (afterAll);
 * each `page()` gets a new context, checked and closed after its test.
 */
export function useBrowser() {
	let browser: Browser;
	let open: Watched[] = [];

	beforeAll(async () => {
		browser = await launchChromium();
	});

	afterAll(async () => {
		await browser?.close();
	});

	afterEach(async () => {
		const watched = open;
		open = [];
		const problems: string[] = [];
		for (const item of watched) {
			problems.push(...(await findProblems(item)));
			await item.context.close().catch(() => {});
		}

		if (problems.length > 0) {
			throw new Error(`the page was not left clean:\n${problems.join('\n')}`);
		}
	});

	/** A new context and page, watched from its first script on; navigates to `url` if given. */
	async function page(url?: string, {waitUntil = 'load'}: {waitUntil?: 'load' | 'domcontentloaded' | 'commit'} = {}): Promise<Watched> {
		const context = await browser.newContext();
		await context.addInitScript({content: INIT_SCRIPT});
		const page = await context.newPage();
		const watched: Watched = {
			page,
			context,
			console: [],
			warnings: () => watched.console.filter(({type}) => type === 'warning').map(({text}) => text),
			pageErrors: [],
			requests: [],
			unhandled: () => page.evaluate(() => (window as unknown as {__unhandled: string[]}).__unhandled),
		};
		page.on('console', (message) => watched.console.push({type: message.type(), text: message.text()}));
		page.on('pageerror', (error) => watched.pageErrors.push(`${error.name}: ${error.message}`));
		page.on('request', (request) => watched.requests.push({method: request.method(), url: request.url()}));
		open.push(watched);
		if (url !== undefined) {
			await page.goto(url, {waitUntil});
		}

		return watched;
	}

	return {page};
}

/** Reads what a page left behind and lists every rule it broke. */
async function findProblems({page, context, console, pageErrors, requests}: Watched): Promise<string[]> {
	const problems = pageErrors.map((error) => `uncaught error: ${error}`);
	let unhandled: string[] = [];
	let stored = '';
	if (!page.isClosed()) {
		// unhandledrejection is dispatched a task after the rejection.
		const left = await page
			.evaluate(async () => {
				await new Promise((done) => setTimeout(done, 50));
				const read = (storage: () => Storage) => {
					try {
						return {...storage()};
					} catch {
						return {};
					}
				};

				return {
					unhandled: (window as unknown as {__unhandled?: string[]}).__unhandled ?? [],
					stored: JSON.stringify([read(() => localStorage), read(() => sessionStorage), document.cookie]),
				};
			})
			.catch(() => ({unhandled: [], stored: ''}));
		({unhandled, stored} = left);
	}

	problems.push(...unhandled.map((reason) => `unhandled rejection: ${reason}`));
	const cookies = JSON.stringify(await context.cookies().catch(() => []));
	const places: Array<[string, string]> = [
		['storage', stored],
		['cookies', cookies],
		['request URLs', requests.map(({url}) => url).join('\n')],
		['console', console.map(({text}) => text).join('\n')],
	];
	for (const [place, text] of places) {
		if (leakedIn(text).length > 0) {
			problems.push(`a hash leaked into the ${place}`);
		}
	}

	return problems;
}

// The console for people: axe-core finds no serious or critical violation,
// at 1280 px and at 390 px nothing runs off the side, and the keyboard alone
// signs in and makes a key. With SIGNET_UPDATE_SCREENSHOTS=1 it also writes
// the screenshot of a client's page in docs/reference-api.md (docs/images/console-clients.png).
import {readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import type {Page} from 'playwright-core';
import {beforeAll, expect, it} from 'vitest';
import {signIdentity} from '../../src/server/index';
import {describeBrowser, useBrowser} from './support/browser';
import {consoleErrors, signIn, useConsoleApi} from './support/console';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCREENSHOT = new URL('../../docs/images/console-clients.png', import.meta.url);
const ORIGIN = 'https://app.acme.example';

/** The serious and critical violations axe finds on the page, as `rule: where` lines. */
async function axeViolations(page: Page): Promise<string[]> {
	// Evaluated through the DevTools protocol, which the page's CSP does not govern.
	await page.evaluate(AXE);
	const violations = await page.evaluate(async () => (await (window as any).axe.run(document, {resultTypes: ['violations']})).violations);
	return violations
		.filter((violation: {impact: string}) => violation.impact === 'serious' || violation.impact === 'critical')
		.map((violation: {id: string; nodes: Array<{target: string[]}>}) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

describeBrowser('the console, for people', () => {
	const browser = useBrowser();
	const api = useConsoleApi();
	let clientToken: string;

	// A client with a day's traffic: verified calls, and a backend still on the key retired since.
	beforeAll(async () => {
		clientToken = (await api.admin('POST', 'clients', {name: 'Acme Projects', allowedOrigins: [ORIGIN]})).body.client.token;
		const first = await api.admin('POST', `clients/${clientToken}/keys`, {type: 'secret'});
		for (const userId of ['1042', '2077', '3001']) {
			await api.identify({clientToken, ...signIdentity(userId, first.body.secret)}, ORIGIN);
		}

		await api.admin('POST', `clients/${clientToken}/keys`, {type: 'secret'});
		await api.admin('POST', `clients/${clientToken}/keys/${first.body.key.id}/retire`);
		await api.identify({clientToken, ...signIdentity('1042', first.body.secret)}, ORIGIN);
	});

	async function clientPage(width: number) {
		const watched = await browser.page();
		await watched.page.setViewportSize({width, height: 900});
		await watched.page.goto(`${api.url}/console`);
		expect(await axeViolations(watched.page)).toEqual([]);
		await signIn(watched.page, api.ownerKey);
		await watched.page.getByRole('button', {name: 'Acme Projects'}).click();
		await watched.page.locator('.verdict').waitFor();
		await watched.page.getByText('The numbers per hour').click();
		return watched;
	}

	// First, before the other tests add keys to the client.
	it('has the screenshot of a client page that docs/reference-api.md shows, 1280 px wide (SIGNET_UPDATE_SCREENSHOTS=1 writes it again)', async () => {
		if (process.env.SIGNET_UPDATE_SCREENSHOTS === '1') {
			const {page} = await clientPage(1280);
			// The page as a customer first sees it: the token, the snippets, the keys, enforcement.
			writeFileSync(SCREENSHOT, await page.screenshot({fullPage: true, clip: {x: 0, y: 0, width: 1280, height: 1500}}));
		}

		const png = readFileSync(SCREENSHOT);
		expect(png.subarray(1, 4).toString()).toBe('PNG');
		expect(png.readUInt32BE(16)).toBe(1280);
	});

	for (const width of [1280, 390]) {
		it(`passes axe and fits the screen at ${width} px`, async () => {
			const watched = await clientPage(width);
			const {page} = watched;
			await page.getByRole('button', {name: 'Generate key'}).click();
			await page.locator('[data-secret]').waitFor();
			await page.getByText('Python', {exact: true}).click();
			await page.getByRole('button', {name: /^Retire key/}).first().click();
			expect(await page.locator('.flag').first().textContent()).toContain('still used: 1 call(s)');
			expect(await axeViolations(page)).toEqual([]);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
			expect(await page.locator('.chart canvas').boundingBox()).toMatchObject({width: expect.any(Number)});
			expect((await page.locator('.chart canvas').boundingBox())!.width).toBeLessThanOrEqual(width);
			expect(consoleErrors(watched.console)).toEqual([]);
		});
	}

	it('signs in and makes a key with the keyboard alone', async () => {
		const watched = await browser.page(`${api.url}/console`);
		const {page} = watched;
		await page.keyboard.press('Tab');
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('credential');
		await page.keyboard.type(api.ownerKey);
		await page.keyboard.press('Enter');
		await page.getByRole('heading', {name: 'Clients'}).waitFor();
		const tabTo = async (name: string) => {
			for (let step = 0; step < 60; step++) {
				await page.keyboard.press('Tab');
				if ((await page.evaluate(() => document.activeElement?.textContent)) === name) {
					return;
				}
			}

			throw new Error(`Tab never reached ${name}`);
		};
		await tabTo('Acme Projects');
		await page.keyboard.press('Enter');
		await page.getByRole('heading', {name: 'Acme Projects', level: 2}).waitFor();
		await tabTo('Generate key');
		await page.keyboard.press('Enter');
		await page.locator('[data-secret]').waitFor();
		expect(consoleErrors(watched.console)).toEqual([]);
	});
});

// The console (GET …/console) in Chromium against the API as its own
// process: an owner's whole key rotation through the page, a viewer that
// sees no change it may not make, and values a visitor chose shown as text.
// Every page ends with no console error (a CSP violation is one).
import {generateKeyPairSync} from 'node:crypto';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {signIdentity} from '../../src/server/index';
import {describeBrowser, useBrowser} from './support/browser';
import {consoleErrors, signIn, useConsoleApi} from './support/console';
import {startPageServer, type PageServer} from './support/page-server';

describeBrowser('the console', () => {
	const browser = useBrowser();
	const api = useConsoleApi();
	let pages: PageServer;
	beforeAll(async () => {
		pages = await startPageServer({sign: () => ({userId: '', hash: ''})});
	});
	afterAll(() => pages?.close());

	it('takes an owner from a new client to enforcement and a retired key, and the audit log lists each step', async () => {
		const watched = await browser.page(`${api.url}/console`);
		const {page} = watched;
		await page.getByLabel('Admin credential').fill('sok_not_the_right_key_at_all_0000000000');
		await page.getByRole('button', {name: 'Sign in'}).click();
		await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid');
		await signIn(page, api.ownerKey);
		await expect.poll(() => page.locator('.who').textContent()).toContain('owner (owner)');

		// A client, its public token, and the snippets filled in with it.
		await page.getByLabel('Name', {exact: true}).fill('Shop');
		await page.getByLabel('Allowed origins').fill(pages.url);
		await page.getByRole('button', {name: 'Make client'}).click();
		await page.getByRole('heading', {name: 'Shop', level: 2}).waitFor();
		const clientToken = (await page.locator('code.token').first().textContent())!;
		expect(clientToken).toMatch(/^ct_[\dA-Za-z]{24}$/);
		expect(await page.getByLabel('script tag snippet').textContent()).toContain(`clientToken: "${clientToken}"`);
		await watched.context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: api.url});
		await page.getByRole('button', {name: 'Copy client token'}).click();
		await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(clientToken);

		// A key: its secret shown once, with sign snippets that hold nothing secret.
		await page.getByRole('button', {name: 'Generate key'}).click();
		const secret = (await page.locator('[data-secret]').textContent())!;
		expect(secret).toMatch(/^[\w-]{43}$/);
		const snippets = await page.locator('.secret pre').allTextContents();
		expect(snippets).toHaveLength(5);
		expect(snippets.every((code) => code.includes('SIGNET_SECRET') && !code.includes(secret))).toBe(true);
		const oldKey = (await api.admin('GET', `clients/${clientToken}`)).body.client.keys[0];
		await page.getByRole('button', {name: 'I have stored it: hide the secret'}).click();
		expect(await page.content()).not.toContain(secret);

		// A page of the customer's site identifies with it; another call fails.
		const signed = signIdentity('ada', secret);
		pages.page('/identify.html', `<!doctype html><html><head><meta charset="utf-8"><script src="/dist/signet.umd.js"></script><script>
			window.__result = Signet.init({clientToken: ${JSON.stringify(clientToken)}, apiHost: ${JSON.stringify(api.url)}})
				.then(() => Signet.identifyUser('ada', {}, {hash: ${JSON.stringify(signed.hash)}})).then((result) => result.verified);
		</script></head><body></body></html>`);
		const site = await browser.page(`${pages.url}/identify.html`);
		expect(await site.page.evaluate(() => (window as any).__result)).toBe(true);
		expect((await api.identify({clientToken, userId: 'bob', hash: '0'.repeat(64)}, pages.url)).body).toMatchObject({verified: false});

		await page.getByRole('button', {name: 'Refresh'}).click();
		await expect.poll(() => page.locator('.verdict').textContent()).toContain('Not safe to enforce: 1 of 2 calls');
		await page.getByText('The numbers per hour').click();
		const lastHour = page.locator('table.outcomes tbody tr').last();
		expect(await lastHour.locator('td').allTextContents()).toEqual(['1', '1']);
		expect(await page.locator('table.outcomes thead th').allTextContents()).toEqual(['Hour', 'verified', 'hash_invalid']);
		expect(await page.getByRole('img', {name: /Identify calls per hour/}).getAttribute('aria-label')).toContain('1 verified, 1 failed');
		expect(await page.locator('table.failures tbody td').first().textContent()).toBe('bob');

		// Not safe: switching on asks a second time, then forces.
		const toggle = page.getByRole('switch', {name: 'Require identity verification'});
		await toggle.click();
		await expect.poll(() => page.getByRole('group', {name: /not safe/}).textContent()).toContain('1 of 2 calls');
		await page.getByRole('button', {name: 'Switch on anyway'}).click();
		await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('true');
		expect((await api.admin('GET', `clients/${clientToken}`)).body.client.enforce).toBe(true);

		// A second key, then the first retired after the console says what happens.
		await page.getByRole('button', {name: 'Generate key'}).click();
		await page.locator('[data-secret]').waitFor();
		await page.getByRole('button', {name: `Retire key ${oldKey.fingerprint}`}).click();
		expect(await page.getByRole('group', {name: `Retire key ${oldKey.fingerprint}`}).textContent()).toContain('Backends still signing with this key will be refused');
		await page.getByRole('button', {name: 'Retire key', exact: true}).click();
		await expect.poll(() => page.getByRole('status').filter({hasText: 'retired.'}).count()).toBe(1);
		expect((await api.admin('GET', `clients/${clientToken}`)).body.client.keys.map((key: {status: string}) => key.status)).toEqual(['retired', 'active']);

		// A public key: what is no JSON, and what the API refuses, are said in words.
		await page.locator('summary', {hasText: 'Add public key'}).click();
		const jwkField = page.getByLabel('Public key (JWK)');
		const addKey = page.getByRole('button', {name: 'Add public key'});
		const {publicKey, privateKey} = generateKeyPairSync('ec', {namedCurve: 'P-256'});
		for (const [text, said] of [['{not json', 'This is not JSON'], [JSON.stringify(privateKey.export({format: 'jwk'})), '(invalid_request)']]) {
			await jwkField.fill(text);
			await addKey.click();
			await expect.poll(() => page.locator('.add-public [role=alert]').textContent()).toContain(said);
		}

		await jwkField.fill(JSON.stringify(publicKey.export({format: 'jwk'})));
		await addKey.click();
		await expect.poll(() => page.locator('.add-public [role=status]').textContent()).toBe('Public key added.');
		expect(await page.locator('table').first().textContent()).toContain('public (token)');

		// Delete the retired key, then switch enforcement off: one click, no question.
		await page.getByRole('button', {name: `Delete key ${oldKey.fingerprint}`}).click();
		expect(await page.getByRole('group', {name: `Delete key ${oldKey.fingerprint}`}).textContent()).toContain('It cannot be undone');
		await page.getByRole('button', {name: 'Delete key', exact: true}).click();
		await expect.poll(() => page.locator('table').first().textContent()).not.toContain(oldKey.fingerprint);
		await toggle.click();
		await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('false');
		expect(await page.locator('.confirm').count()).toBe(0);

		await expect.poll(() => page.locator('table.audit tbody tr td:nth-child(3)').allTextContents()).toEqual([
			'client.update',
			`key.delete ${oldKey.id}`,
			expect.stringMatching(/^key\.create /),
			`key.retire ${oldKey.id}`,
			expect.stringMatching(/^key\.create /),
			'client.update',
			`key.create ${oldKey.id}`,
			'client.create',
		]);
		const audit = page.locator('table.audit tbody tr');
		expect(await audit.nth(0).textContent()).toContain('enforce: true → false');
		expect(await audit.nth(5).textContent()).toContain('enforce: false → true');
		expect(await audit.nth(5).textContent()).toContain('owner (owner)');

		// The credential and the secret were kept in memory only: no storage, no cookie, no URL.
		expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, '']);
		expect(await watched.context.cookies()).toEqual([]);
		expect(watched.requests.filter(({url}) => url.includes(api.ownerKey) || url.includes(secret))).toEqual([]);

		// A reload signs out: the secret is nowhere.
		await page.reload();
		await page.getByLabel('Admin credential').waitFor();
		await signIn(page, api.ownerKey);
		await page.getByRole('button', {name: 'Shop'}).click();
		await page.getByRole('heading', {name: 'Keys'}).waitFor();
		expect(await page.content()).not.toContain(secret);
		// Chromium logs the two refusals the test provoked (the wrong key, the private JWK); nothing else.
		expect(consoleErrors(watched.console)).toEqual([
			'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
			'Failed to load resource: the server responded with a status of 400 (Bad Request)',
		]);
		expect(consoleErrors(site.console)).toEqual([]);
	});

	it('switches enforcement on in one click when readiness is safe, and asks again when a failure came after the page read it', async () => {
		const clientToken = (await api.admin('POST', 'clients', {name: 'Switched', allowedOrigins: [pages.url]})).body.client.token as string;
		const {secret} = (await api.admin('POST', `clients/${clientToken}/keys`, {type: 'secret'})).body;
		expect((await api.identify({clientToken, ...signIdentity('ada', secret)}, pages.url)).body).toMatchObject({verified: true});

		const watched = await browser.page(`${api.url}/console`);
		const {page} = watched;
		await signIn(page, api.ownerKey);
		await page.getByRole('button', {name: 'Switched'}).click();
		await expect.poll(() => page.locator('.verdict').textContent()).toContain('Safe to enforce: all 1 calls');
		const toggle = page.getByRole('switch', {name: 'Require identity verification'});
		await toggle.click();
		await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('true');
		expect(await page.locator('.confirm').count()).toBe(0);
		await toggle.click();
		await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('false');

		// The page still shows "safe"; the API knows better and the console asks.
		expect((await api.identify({clientToken, userId: 'bob', hash: '0'.repeat(64)}, pages.url)).body).toMatchObject({verified: false});
		expect(await page.locator('.verdict').textContent()).toContain('Safe to enforce');
		await toggle.click();
		await expect.poll(() => page.getByRole('group', {name: /not safe/}).textContent()).toContain('1 of 2 calls');
		expect(await page.locator('#content [role=alert]').allTextContents()).toEqual([expect.stringContaining('(not_ready)')]);
		expect((await api.admin('GET', `clients/${clientToken}`)).body.client.enforce).toBe(false);
		await page.getByRole('button', {name: 'Switch on anyway'}).click();
		await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('true');
		expect(consoleErrors(watched.console)).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)']);
	});

	it('shows a viewer everything and no control that changes anything; its direct calls get 403', async () => {
		const {body} = await api.admin('POST', 'clients', {name: 'Viewed', allowedOrigins: []});
		const clientToken = body.client.token as string;
		const key = (await api.admin('POST', `clients/${clientToken}/keys`, {type: 'secret'})).body.key;
		const viewer = (await api.admin('POST', 'credentials', {name: 'support desk', role: 'viewer'})).body.key as string;

		const watched = await browser.page(`${api.url}/console`);
		const {page} = watched;
		await signIn(page, viewer);
		await page.getByRole('button', {name: 'Viewed'}).click();
		await page.getByRole('heading', {name: 'Viewed', level: 2}).waitFor();
		await expect.poll(() => page.locator('.verdict').count()).toBe(1);
		expect(await page.locator('table').first().textContent()).toContain(key.fingerprint);
		expect(await page.locator('.who').textContent()).toContain('support desk (viewer)');
		const buttons = await page.getByRole('button').allTextContents();
		expect(buttons.filter((name) => /Make client|Generate key|Retire|Delete|Add public key/.test(name))).toEqual([]);
		expect(await page.getByRole('switch').count()).toBe(0);
		expect(await page.locator('form').count()).toBe(0);

		expect(consoleErrors(watched.console)).toEqual([]);

		// The API refuses what the page does not offer.
		const statuses = await page.evaluate(
			async ({viewer, clientToken, keyId}) => {
				const send = (method: string, path: string, body?: unknown) =>
					fetch(`/v1/admin/${path}`, {method, headers: {Authorization: `Bearer ${viewer}`, 'Content-Type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)}).then((response) => response.status);
				return [
					await send('POST', 'clients', {name: 'x'}),
					await send('PATCH', `clients/${clientToken}`, {enforce: true, force: true}),
					await send('POST', `clients/${clientToken}/keys`, {type: 'secret'}),
					await send('POST', `clients/${clientToken}/keys/${keyId}/retire`),
					await send('DELETE', `clients/${clientToken}/keys/${keyId}`),
				];
			},
			{viewer, clientToken, keyId: key.id},
		);
		expect(statuses).toEqual([403, 403, 403, 403, 403]);
		expect((await api.admin('GET', `clients/${clientToken}`)).body.client).toMatchObject({enforce: false, keys: [{status: 'active'}]});
	});

	it('shows user ids and client names a visitor or an admin chose as text, and runs none of them', async () => {
		const name = '<b onmouseover=alert(2)>Shop</b>';
		const userId = '<img src=x onerror=alert(1)>';
		const clientToken = (await api.admin('POST', 'clients', {name, allowedOrigins: [pages.url]})).body.client.token as string;
		await api.admin('POST', `clients/${clientToken}/keys`, {type: 'secret'});
		expect((await api.identify({clientToken, userId, hash: '0'.repeat(64)}, pages.url)).body).toMatchObject({verified: false});

		const watched = await browser.page(`${api.url}/console`);
		const {page} = watched;
		const dialogs: string[] = [];
		page.on('dialog', (dialog) => {
			dialogs.push(dialog.message());
			void dialog.dismiss();
		});
		await signIn(page, api.ownerKey);
		await page.getByRole('button', {name}).click();
		await page.getByRole('heading', {name, level: 2}).waitFor();
		await expect.poll(() => page.locator('table.failures tbody td').first().textContent()).toBe(userId);
		await page.getByRole('button', {name}).hover();
		expect(await page.locator('img, b').count()).toBe(0);
		expect(watched.requests.filter(({url}) => new URL(url).pathname.endsWith('/x'))).toEqual([]);
		expect(dialogs).toEqual([]);
		expect(consoleErrors(watched.console)).toEqual([]);
	});
});

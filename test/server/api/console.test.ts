// GET …/console over real HTTP: the page with its security headers, its
// script and style under names versioned by their content and cached for a
// year, all of it only with the control plane on. Reads the files the last
// `npm run build` made (npm test builds first), as the bundle embeds them.
import {createHash, randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {CONSOLE_CSP} from '../../../src/server/api/console';
import {serve} from '../support/helpers';

const admin = {ownerKey: `sok_${randomBytes(24).toString('base64url')}`, masterKey: randomBytes(32).toString('base64')};
const on = await serve({admin});
const off = await serve();

const built = (name: string) => readFileSync(new URL(`../../../dist/console/${name}`, import.meta.url), 'utf8');
const versioned = (text: string, extension: string) => `console.${createHash('sha256').update(text).digest('hex').slice(0, 12)}.${extension}`;

describe('the console page', () => {
	it('answers the page with its CSP, nosniff and no referrer, loading only its own versioned files', async () => {
		const page = await on.request('/console', {});
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
		expect(CONSOLE_CSP).toContain("script-src 'self'; style-src 'self'");
		expect(page.headers.get('x-content-type-options')).toBe('nosniff');
		expect(page.headers.get('referrer-policy')).toBe('no-referrer');
		expect(page.headers.get('access-control-allow-origin')).toBeNull();
		const scripts = [...page.text.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
		expect(scripts).toEqual([` type="module" src="console/assets/${versioned(built('console.js'), 'js')}"`]);
		expect(page.text).toContain(`<link rel="stylesheet" href="console/assets/${versioned(built('console.css'), 'css')}">`);
		expect(page.text).not.toMatch(/<style|\sstyle=|\son\w+=/);
	});

	it('serves the built script and style as they are, cached for a year, and no other name', async () => {
		for (const [file, type] of [['console.js', 'text/javascript; charset=utf-8'], ['console.css', 'text/css; charset=utf-8']]) {
			const text = built(file);
			const answer = await on.request(`/console/assets/${versioned(text, file.split('.')[1])}`, {});
			expect(answer).toMatchObject({status: 200, text});
			expect(answer.headers.get('content-type')).toBe(type);
			expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
			expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
		}

		expect(built('console.css')).toContain('.uplot');
		expect((await on.request('/console/assets/console.000000000000.js', {})).status).toBe(404);
		expect((await on.request('/console/assets/../../v1/admin/me', {})).status).toBe(401);
	});

	it('answers under a prefix, where the page’s relative addresses lead', async () => {
		const page = await on.request('/api/console', {});
		expect(page.status).toBe(200);
		const script = /src="([^"]+)"/.exec(page.text)![1];
		const address = new URL(script, `${on.url}/api/console`);
		expect(address.pathname).toMatch(/^\/api\/console\/assets\/console\.[\da-f]{12}\.js$/);
		expect((await on.request(address.pathname, {})).status).toBe(200);
	});

	it('answers GET only', async () => {
		const answer = await on.request('/console', {method: 'POST', body: '{}'});
		expect(answer.status).toBe(405);
		expect(answer.headers.get('allow')).toBe('GET, HEAD');
	});

	it('is 404 with the control plane off, the page and its files alike', async () => {
		const page = await on.request('/console', {});
		const script = /src="([^"]+)"/.exec(page.text)![1];
		for (const path of ['/console', `/${script}`]) {
			expect(await off.request(path, {})).toMatchObject({status: 404, body: {error: {code: 'not_found'}}});
		}
	});
});

// The same checks against what ships: the built ESM and CJS files, not src/.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {describe, expect, it} from 'vitest';

type ServerModule = typeof import('../../src/server/index');

const esmPath = fileURLToPath(new URL('../../dist/server.mjs', import.meta.url));
const cjsPath = fileURLToPath(new URL('../../dist/server.cjs', import.meta.url));
const esm = (await import(/* @vite-ignore */ pathToFileURL(esmPath).href)) as ServerModule;
const cjs = createRequire(import.meta.url)(cjsPath) as ServerModule;

describe.each([
	['dist/server.mjs', esm],
	['dist/server.cjs', cjs],
])('%s', (_, server) => {
	it('signs and verifies a round trip, with rotation and expiration', () => {
		const signed = server.signIdentity('42', 'sk_new', {expiration: '2999-01-01T00:00:00.000Z'});
		expect(signed.hash).toMatch(/^[\da-f]{64}$/);
		expect(server.verifyIdentity(signed, ['sk_old', 'sk_new'])).toEqual({ok: true, keyIndex: 1});
		expect(server.verifyIdentity({...signed, userId: '43'}, ['sk_new'])).toEqual({ok: false, code: 'hash_invalid'});
	});

	it('signs and verifies an identity token (the CJS file loads ESM-only jose through require)', async () => {
		const token = await server.signIdentityToken({userId: 42, attributes: {plan: 'pro'}}, 'tk_new', {audience: 'ct_demo'});
		expect(await server.verifyIdentityToken(token, {tokenSecrets: ['tk_old', 'tk_new']}, {audience: 'ct_demo'})).toEqual({ok: true, userId: '42', attributes: {plan: 'pro'}, keyIndex: 1});
		expect(await server.verifyIdentityToken(`${token}x`, {tokenSecrets: ['tk_new']}, {audience: 'ct_demo'})).toEqual({ok: false, code: 'token_invalid'});
	});

	it('makes the async snippet from the dist/snippet.min.js it ships with, pinned when given a digest', () => {
		const snippet = readFileSync(fileURLToPath(new URL('../../dist/snippet.min.js', import.meta.url)), 'utf8');
		expect(server.asyncSnippet('/signet.umd.js')).toBe(snippet.replace('SIGNET_UMD_URL', '/signet.umd.js'));
		expect(server.asyncSnippet('/signet.umd.js', {integrity: server.subresourceIntegrity('x')})).toContain(`.integrity="${server.subresourceIntegrity('x')}"`);
	});

	it('gives the hashes stated in docs/server.md', () => {
		expect(server.signIdentity('42', 'sk_demo_7Qm2xV9pLr4TnB8w').hash).toBe('c744ccddd2943ea18515022cdc6fdd257d9a87654eb97ac89aa99506660b4d11');
		expect(server.signIdentity(42, 'sk_demo_7Qm2xV9pLr4TnB8w', {encoding: 'base64'}).hash).toBe('x0TM3dKUPqGFFQIs3G/dJX2ah2VOuXrImqmVBmYLTRE=');
		expect(server.signIdentity('42', 'sk_demo_7Qm2xV9pLr4TnB8w', {expiration: '2026-11-21T12:00:00.000Z'}).hash).toBe(
			'5f88f9f35f54f830fed0366ee960963356cee3253cec4b3d1d7ce50c8f1c8626',
		);
	});

	it('answers an identify call through the handler and startServer', async () => {
		const running = await server.startServer(server.createIdentityHandler({clients: {ct: {secrets: ['sk_new'], enforce: true}}}));
		try {
			const body = {clientToken: 'ct', anonymousId: 'anon', messageId: 'm1', ...server.signIdentity('42', 'sk_new')};
			const response = await fetch(`${running.url}/v1/identify`, {method: 'POST', body: JSON.stringify(body)});
			expect(response.status).toBe(200);
			expect(await response.json()).toMatchObject({userId: '42', verified: true, verification: 'ok'});
		} finally {
			await running.close();
		}
	});

	it('exports the public surface by name', () => {
		for (const name of ['signIdentity', 'verifyIdentity', 'createIdentityHandler', 'MemoryStore', 'SigningError', 'startServer', 'toNodeListener']) {
			expect(server, name).toHaveProperty(name);
		}
	});
});

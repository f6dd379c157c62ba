// asyncSnippet: dist/snippet.min.js with a real address, and pinned with
// Subresource Integrity when given the digest of signet.umd.js. What goes
// into the snippet's string literals is checked, so neither the address nor
// the digest can break out into code. test/e2e/snippet.test.ts runs the
// pinned snippet in Chromium.
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {asyncSnippet, subresourceIntegrity} from '../../../src/server/index';

const DIST = new URL('../../../dist/', import.meta.url);
const CDN = 'https://cdn.jsdelivr.net/npm/signet-js@0.1.0/dist/signet.umd.js';
const code = readFileSync(new URL('snippet.min.js', DIST), 'utf8');
const umd = readFileSync(new URL('signet.umd.js', DIST));

describe('asyncSnippet', () => {
	it('without a digest is dist/snippet.min.js with the address in place of SIGNET_UMD_URL, byte for byte', () => {
		expect(asyncSnippet(CDN)).toBe(code.replace('SIGNET_UMD_URL', CDN));
		expect(asyncSnippet(CDN, {code})).toBe(code.replace('SIGNET_UMD_URL', CDN));
	});

	it('with a digest sets integrity and crossOrigin on the injected script before it is appended', () => {
		const integrity = subresourceIntegrity(umd);
		const pinned = asyncSnippet(CDN, {integrity});
		expect(pinned).toMatch(new RegExp(`(\\w)\\.src="${CDN}",\\1\\.integrity="${integrity.replaceAll('+', '\\+')}",\\1\\.crossOrigin="anonymous".*\\1\\)`));
		expect(pinned.indexOf('integrity')).toBeLessThan(pinned.indexOf('.append('));
		// A bare base64 SHA-384 (what openssl prints) is read as sha384-.
		expect(asyncSnippet(CDN, {integrity: integrity.slice('sha384-'.length)})).toBe(pinned);
	});

	it('computes the digest openssl prints', () => {
		const openssl = execFileSync('sh', ['-c', `openssl dgst -sha384 -binary '${new URL('signet.umd.js', DIST).pathname}' | openssl base64 -A`], {encoding: 'utf8'});
		expect(subresourceIntegrity(umd)).toBe(`sha384-${openssl.trim()}`);
	});

	it('does not let a digest break out of its string into code', () => {
		for (const integrity of ['sha384-abc",alert(1),"', 'sha384-abc</script><script>alert(1)//', 'md5-AAAA', 'sha384-', '', 'sha384-abc def']) {
			expect(() => asyncSnippet(CDN, {integrity}), integrity).toThrow(TypeError);
		}
	});

	it('does not let an address break out of its string or the script element', () => {
		const hostile = 'https://cdn.example/x.js"+alert(1)+"</script><script>alert(2)</script>';
		const made = asyncSnippet(hostile);
		expect(made).not.toContain('</script>');
		// The address is one string literal, read back as it was given.
		const literal = /\.src=("(?:[^"\\]|\\.)*")/.exec(made)![1]!;
		expect(JSON.parse(literal.replaceAll('<\\/', '</'))).toBe(hostile);
		expect(made.replace(literal, '"X"')).toBe(code.replace('SIGNET_UMD_URL', 'X'));
	});

	it('refuses code without the placeholder, and an empty address', () => {
		expect(() => asyncSnippet(CDN, {code: 'console.log(1)'})).toThrow(/SIGNET_UMD_URL/);
		expect(() => asyncSnippet('')).toThrow(TypeError);
	});
});

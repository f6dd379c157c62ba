// The README and docs/ as a reader meets them: no link that leads nowhere,
// every code block labelled with its language, the snippet to paste the one
// the build makes, and a README short enough to read before starting.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';
import {afterAll, describe, expect, it} from 'vitest';
import {deadLinks} from '../../scripts/check-links.mjs';
import {asyncSnippet} from '../../src/server/index';
import {codeBlocks, documentationFiles} from '../support/readme-examples';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// What a reader of the docs is sent to: the pages, the architecture, the demo's guide.
const LINKED = [...documentationFiles(ROOT), 'ARCHITECTURE.md', 'examples/README.md'];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('links', () => {
	const work = mkdtempSync(join(tmpdir(), 'signet-links-'));
	afterAll(() => rmSync(work, {recursive: true, force: true}));

	it.each(LINKED)('%s has no dead relative link or anchor', (file) => {
		expect(deadLinks(join(ROOT, file)).map((link) => `line ${link.line}: ${link.target}: ${link.reason}`)).toEqual([]);
	});

	it('finds a missing file, a missing anchor and a heading moved away, and passes links that work', () => {
		writeFileSync(join(work, 'other.md'), '# Other page\n\n## Keys and `kid`\n');
		writeFileSync(
			join(work, 'page.md'),
			[
				'# Page',
				'[ok](other.md#keys-and-kid) [ok](#page) [web](https://example.com/nowhere)',
				'[gone](missing.md) [moved](other.md#rotation)',
				'```md',
				'[in a code block](missing-too.md)',
				'```',
			].join('\n'),
		);
		expect(deadLinks(join(work, 'page.md')).map((link) => [link.line, link.target, link.reason])).toEqual([
			[3, 'missing.md', 'no such file'],
			[3, 'other.md#rotation', 'no heading makes #rotation'],
		]);
	});
});

describe('code blocks', () => {
	it('each names its language (text for output), so a command cannot pass for a listing', () => {
		const unlabelled = documentationFiles(ROOT).flatMap((file) => codeBlocks(read(file)).filter((block) => block.language === '').map((block) => `${file} line ${block.line}`));
		expect(unlabelled).toEqual([]);
	});

	it('show the async snippet as the build makes it, for the address they name', () => {
		const code = read('dist/snippet.min.js');
		const shown = ['README.md', 'docs/getting-started.md'].map((file) => {
			const html = codeBlocks(read(file)).find((block) => block.language === 'html')!.code;
			const address = /r\.src="([^"]+)"/.exec(html)![1]!;
			return {file, snippet: html.split('\n')[1], expected: asyncSnippet(address, {code})};
		});
		for (const {file, snippet, expected} of shown) {
			expect(snippet, file).toBe(expected);
		}
	});
});

it("states the sizes of the built files in the README's first lines, each within 1 % of what the build wrote", () => {
	const line = read('README.md').split('\n').find((text) => text.startsWith('**Size:**'))!;
	const figure = (pattern: RegExp) => Number(pattern.exec(line)?.[1]?.replaceAll(',', ''));
	const gzip = (file: string) => gzipSync(readFileSync(join(ROOT, file)), {level: 9}).length;
	const stated = {
		umd: figure(/([\d,]+) bytes gzip for the script-tag file/),
		esm: figure(/([\d,]+) bytes gzip for the ESM file/),
		snippet: figure(/a ([\d,]+)-byte snippet/),
		react: figure(/([\d,]+) bytes gzip for the React bindings/),
		vue: figure(/([\d,]+) for the Vue ones/),
	};
	const built = {umd: gzip('dist/signet.umd.js'), esm: gzip('dist/signet.mjs'), snippet: readFileSync(join(ROOT, 'dist/snippet.min.js')).length, react: gzip('dist/react.mjs'), vue: gzip('dist/vue.mjs')};
	for (const [file, size] of Object.entries(built)) {
		expect(Math.abs(stated[file as keyof typeof stated] - size) / size, `${file}: the README says ${stated[file as keyof typeof stated]}, the build wrote ${size}`).toBeLessThanOrEqual(0.01);
	}
});

it('keeps the README to a page a newcomer reads before starting (300 lines; the rest is in docs/)', () => {
	expect(read('README.md').split('\n').length).toBeLessThanOrEqual(300);
});

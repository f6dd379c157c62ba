// The backend snippets of the README and docs/ are the files the backend
// suites run: scripts/include-files.mjs (npm run readme) writes them between
// include markers, and this test fails when a page and the files differ.
import {readdirSync, readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {includedFile, includeFiles} from '../../scripts/include-files.mjs';
import {documentationFiles} from '../support/readme-examples';

const ROOT = new URL('../../', import.meta.url);
const PAGES = documentationFiles(ROOT.pathname);

describe('the README and docs/', () => {
	it.each(PAGES)('%s holds exactly the files it includes (run npm run readme after changing one)', (page) => {
		expect(includedFile(new URL(page, ROOT).pathname)).toBe(readFileSync(new URL(page, ROOT), 'utf8'));
	});

	it('include or link every backend snippet of examples/backends (docs/signing.md)', () => {
		const signing = readFileSync(new URL('docs/signing.md', ROOT), 'utf8');
		for (const language of readdirSync(new URL('examples/backends/', ROOT))) {
			for (const file of readdirSync(new URL(`examples/backends/${language}/`, ROOT))) {
				expect(signing, `examples/backends/${language}/${file}`).toContain(`../examples/backends/${language}/${file}`);
			}
		}
	});
});

describe('includeFiles', () => {
	const files: Record<string, string> = {'a.py': 'print("a")\n\n', 'b.md': 'has ``` inside', 'c.go': 'package main'};
	const read = (path: string) => {
		if (!(path in files)) throw new Error(`no file ${path}`);
		return files[path]!;
	};

	it('replaces what is between the markers with the file in a fence of its language, keeping the marker and its note', () => {
		const markdown = 'intro\n<!-- include a.py (a note) -->\nold text\n```\nold\n```\n<!-- /include -->\noutro\n';
		expect(includeFiles(markdown, read)).toBe('intro\n<!-- include a.py (a note) -->\n```python\nprint("a")\n```\n<!-- /include -->\noutro\n');
	});

	it('fills several blocks, each with its own file, and leaves a markdown without markers as it is', () => {
		const markdown = '<!-- include a.py -->\n<!-- /include -->\ntext\n<!-- include c.go -->\n<!-- /include -->';
		expect(includeFiles(markdown, read)).toBe('<!-- include a.py -->\n```python\nprint("a")\n```\n<!-- /include -->\ntext\n<!-- include c.go -->\n```go\npackage main\n```\n<!-- /include -->');
		expect(includeFiles('# no markers\n```js\nx\n```\n', read)).toBe('# no markers\n```js\nx\n```\n');
	});

	it('fences a file that holds ``` with a longer fence, so the file cannot end it', () => {
		expect(includeFiles('<!-- include b.md -->\n<!-- /include -->', read)).toBe('<!-- include b.md -->\n````\nhas ``` inside\n````\n<!-- /include -->');
	});

	it('throws naming a file that does not exist', () => {
		expect(() => includeFiles('<!-- include gone.rb -->\n<!-- /include -->', read)).toThrow(/gone\.rb/);
	});
});

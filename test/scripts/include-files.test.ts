// The README's backend snippets are the files the backend suites run:
// scripts/include-files.mjs (npm run readme) writes them between include
// markers, and this test fails when the README and the files differ.
import {readdirSync, readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {includedFile, includeFiles} from '../../scripts/include-files.mjs';

const ROOT = new URL('../../', import.meta.url);
const README = readFileSync(new URL('README.md', ROOT), 'utf8');

describe('the README', () => {
	it('holds exactly the files it includes (run npm run readme after changing one)', () => {
		expect(includedFile(new URL('README.md', ROOT).pathname)).toBe(README);
	});

	it('includes or links every backend snippet of examples/backends', () => {
		for (const language of readdirSync(new URL('examples/backends/', ROOT))) {
			for (const file of readdirSync(new URL(`examples/backends/${language}/`, ROOT))) {
				expect(README, `examples/backends/${language}/${file}`).toContain(`examples/backends/${language}/${file}`);
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

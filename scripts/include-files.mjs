// Puts files into markdown between include markers, so that a snippet a
// reader copies is the file the tests run:
//
//   <!-- include examples/backends/python/signet_hash.py -->
//   ```python
//   …the file, written here by this script…
//   ```
//   <!-- /include -->
//
// The path is relative to the markdown file; anything after it in the
// marker is a note kept as written. The fence's language comes from the
// file's extension.
//
//   node scripts/include-files.mjs README.md docs/signing.md   rewrites the files
//   node scripts/include-files.mjs --check README.md           exits 1 naming each file out of date
import {readFileSync, writeFileSync} from 'node:fs';
import {dirname, extname, resolve} from 'node:path';

const LANGUAGES = {'.py': 'python', '.rb': 'ruby', '.php': 'php', '.go': 'go', '.mjs': 'js', '.js': 'js', '.ts': 'ts', '.sh': 'sh', '.json': 'json'};
const BLOCK = /^(<!-- include (\S+)(?: [^\n]*)? -->)\n[\s\S]*?^<!-- \/include -->$/gm;

/**
 * `markdown` with every include block's content replaced by the file it
 * names, read through `read` (a path relative to the markdown file).
 * Throws naming the path when an include names a file that cannot be read.
 *
 * @example
 * includeFiles(readFileSync('README.md', 'utf8'), (path) => readFileSync(path, 'utf8'))
 */
export function includeFiles(markdown, read) {
	return markdown.replace(BLOCK, (_, marker, path) => {
		const text = read(path).replace(/\n+$/, '');
		// A fence longer than any run of backticks in the file, so the file cannot close it.
		const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
		const fence = '`'.repeat(longest + 1);
		return `${marker}\n${fence}${LANGUAGES[extname(path)] ?? ''}\n${text}\n${fence}\n<!-- /include -->`;
	});
}

/**
 * The markdown file at `file` with its includes brought up to date.
 *
 * @example
 * includedFile('README.md') === readFileSync('README.md', 'utf8') // the README is up to date
 */
export function includedFile(file) {
	const folder = dirname(resolve(file));
	return includeFiles(readFileSync(file, 'utf8'), (path) => readFileSync(resolve(folder, path), 'utf8'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const check = process.argv.includes('--check');
	const files = process.argv.slice(2).filter((argument) => argument !== '--check');
	let stale = 0;
	for (const file of files) {
		const updated = includedFile(file);
		if (updated === readFileSync(file, 'utf8')) continue;
		if (check) {
			console.error(`${file} is out of date with the files it includes: run npm run readme`);
			stale++;
		} else {
			writeFileSync(file, updated);
			console.log(`${file} updated`);
		}
	}

	process.exitCode = stale === 0 ? 0 : 1;
}

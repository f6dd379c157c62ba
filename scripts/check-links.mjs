// Finds dead relative links in the project's markdown: a link to a file
// that does not exist, or to an anchor that no heading of its page makes
// (GitHub's way of naming headings). Addresses on the web are not fetched:
// the tests run offline.
//
//   node scripts/check-links.mjs README.md docs/*.md   prints each dead link; exits 1 if there is one
import {existsSync, readFileSync, statSync} from 'node:fs';
import {dirname, resolve} from 'node:path';

// [text](target) and ![alt](target), the target up to a space or the closing parenthesis.
const LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/**
 * The anchors GitHub makes for the headings of `markdown`: lower case,
 * punctuation dropped, spaces as hyphens, a repeated one numbered.
 *
 * @example
 * anchorsOf('## With a script tag\n## FAQ') // Set {'with-a-script-tag', 'faq'}
 */
export function anchorsOf(markdown) {
	const anchors = new Set();
	const seen = new Map();
	for (const line of withoutCode(markdown, false).split('\n')) {
		const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (!heading) continue;
		const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replaceAll('`', '');
		const slug = text
			.toLowerCase()
			.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
			.replace(/ /g, '-');
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		anchors.add(count === 0 ? slug : `${slug}-${count}`);
	}

	return anchors;
}

// The markdown with its fenced blocks emptied, and its inline code too unless `inline` is false (a link or a heading shown as code is not one).
function withoutCode(markdown, inline = true) {
	let fence;
	return markdown
		.split('\n')
		.map((line) => {
			const opening = /^\s*(`{3,}|~{3,})/.exec(line);
			if (opening && (!fence || opening[1].startsWith(fence))) {
				fence = fence ? undefined : opening[1];
				return '';
			}

			return fence ? '' : inline ? line.replace(/`+[^`]*`+/g, '') : line;
		})
		.join('\n');
}

/**
 * Each dead relative link of the markdown file at `file`, as
 * `{file, line, target, reason}`.
 *
 * @example
 * deadLinks('README.md') // [] when every link leads somewhere
 */
export function deadLinks(file) {
	const markdown = readFileSync(file, 'utf8');
	const dead = [];
	withoutCode(markdown)
		.split('\n')
		.forEach((text, index) => {
			for (const [, target] of text.matchAll(LINK)) {
				if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:: not fetched
				const [path, anchor] = target.split('#', 2);
				const page = path ? resolve(dirname(file), decodeURIComponent(path)) : resolve(file);
				const line = index + 1;
				if (!existsSync(page)) {
					dead.push({file, line, target, reason: 'no such file'});
				} else if (anchor !== undefined && (statSync(page).isDirectory() || !page.endsWith('.md'))) {
					dead.push({file, line, target, reason: 'an anchor in a file that is not markdown'});
				} else if (anchor !== undefined && !anchorsOf(readFileSync(page, 'utf8')).has(decodeURIComponent(anchor))) {
					dead.push({file, line, target, reason: `no heading makes #${anchor}`});
				}
			}
		});
	return dead;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const dead = process.argv.slice(2).flatMap((file) => deadLinks(file));
	for (const link of dead) {
		console.error(`${link.file}:${link.line}: ${link.target}: ${link.reason}`);
	}

	process.exit(dead.length === 0 ? 0 : 1);
}

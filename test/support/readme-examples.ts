// The code blocks of the README and of docs/: the TypeScript and JavaScript
// examples as files a compiler can check (each ```ts or ```js block becomes
// a module of its own, so that two examples may declare the same names), and
// every block with the comment above it, for the shell-block checks. Free names that an example takes
// from the reader's app (user, app, response…) are declared in
// README_GLOBALS.

import {readdirSync} from 'node:fs';
import {join} from 'node:path';

/** One example: its code, ready to compile, and where it starts in its markdown file. */
export type ReadmeExample = {code: string; line: number};

/** A fenced block of a markdown file: its language, its code (unindented), its first line, and the HTML comment right above it. */
export type CodeBlock = {language: string; code: string; line: number; marker: string | undefined};

/**
 * Every fenced block of `markdown`, indented ones (in a list) included.
 *
 * @example
 * codeBlocks('<!-- not run: why -->\n```sh\nnpm test\n```') // [{language: 'sh', code: 'npm test', line: 3, marker: 'not run: why'}]
 */
export function codeBlocks(markdown: string): CodeBlock[] {
	const blocks: CodeBlock[] = [];
	const lines = markdown.split('\n');
	for (let index = 0; index < lines.length; index++) {
		const opening = /^(\s*)(`{3,})(\S*)\s*$/.exec(lines[index]!);
		if (!opening) continue;
		const [, indent, fence, language] = opening;
		const marker = /^\s*<!--\s*(.*?)\s*-->\s*$/.exec(lines[index - 1] ?? '')?.[1];
		const start = index + 1;
		while (index + 1 < lines.length && !new RegExp(`^\\s*${fence}\`*\\s*$`).test(lines[index + 1]!)) {
			index++;
		}

		const code = lines.slice(start, index + 1).map((line) => (line.startsWith(indent!) ? line.slice(indent!.length) : line));
		blocks.push({language: language!, code: code.join('\n'), line: start + 1, marker});
		index++;
	}

	return blocks;
}

/**
 * Every ```ts, ```tsx, ```js and ```jsx block of `markdown`, except listings
 * marked `<!-- a listing, not compiled -->`.
 *
 * @example
 * readmeExamples(readFileSync('README.md', 'utf8')).length // the number of code examples
 */
export function readmeExamples(markdown: string): ReadmeExample[] {
	return codeBlocks(markdown)
		.filter((block) => ['ts', 'tsx', 'js', 'jsx'].includes(block.language) && !/not compiled/.test(block.marker ?? ''))
		.map((block) => ({code: `${block.code}\nexport {};\n`, line: block.line}));
}

/**
 * The project's documentation a reader is sent to, relative to `root`: the
 * README and every page of docs/.
 *
 * @example
 * documentationFiles('/work/main') // ['README.md', 'docs/browser-sdk.md', …]
 */
export function documentationFiles(root: string): string[] {
	const pages = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md'));
	return ['README.md', ...pages.sort().map((name) => `docs/${name}`)];
}

/**
 * What the examples take from the reader's own app (the logged-in user, an
 * Express-like app, keys already read from the environment), as a
 * declarations file: declared, not defined, since the examples are
 * type-checked, not run. A string, so that these globals never leak into
 * the repository's own type-check.
 *
 * @example
 * writeFileSync(join(project, 'globals.d.ts'), README_GLOBALS);
 */
export const README_GLOBALS = `declare const user: {id: string; plan: string; email: string};
declare function renderGreeting(text: string): void;
declare const app: {
	use(path: string, listener: unknown): void;
	get(path: string, handler: (request: {user: {id: string}}, response: {json(body: unknown): void}) => void): void;
};
declare const secret: string;
declare const tokenSecret: string;
declare const userId: string;
declare const hash: string;
declare const expiration: string | undefined;
declare const OLD_KEY: string;
declare const NEW_KEY: string;
declare const KEY_2024: string;
declare const KEY_2025: string;
declare const KEY_2023: string;
declare const HASH_KEY_2025: string;
declare const TOKEN_KEY_2025: string;
declare const TOKEN_KEY: string;
declare const plans: {of(userId: string): Promise<string>};
declare const handler: import('signet-js/server').IdentityHandler;
declare const clients: import('signet-js/server').IdentityHandlerConfig['clients'];
`;

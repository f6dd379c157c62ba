// The README's TypeScript and JavaScript examples, as files a compiler can
// check: each ```ts or ```js block becomes a module of its own (so that two
// examples may declare the same names). Free names that an example takes
// from the reader's app (user, app, response…) are declared in
// README_GLOBALS.

/** One example: its code, ready to compile, and where it starts in the README. */
export type ReadmeExample = {code: string; line: number};

/**
 * Every ```ts, ```tsx, ```js and ```jsx block of `markdown`, except listings
 * marked `<!-- a listing, not compiled -->`.
 *
 * @example
 * readmeExamples(readFileSync('README.md', 'utf8')).length // the number of code examples
 */
export function readmeExamples(markdown: string): ReadmeExample[] {
	const examples: ReadmeExample[] = [];
	const lines = markdown.split('\n');
	for (let index = 0; index < lines.length; index++) {
		// A block right after `<!-- a listing, not compiled -->` shows a shape, not code to run.
		if (/^```(ts|tsx|js|jsx)\s*$/.test(lines[index]!) && !/not compiled/.test(lines[index - 1] ?? '')) {
			const start = index + 1;
			while (index + 1 < lines.length && !lines[index + 1]!.startsWith('```')) {
				index++;
			}

			examples.push({code: `${lines.slice(start, index + 1).join('\n')}\nexport {};\n`, line: start});
			index++;
		}
	}

	return examples;
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

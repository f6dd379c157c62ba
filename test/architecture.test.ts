// The import rules of ARCHITECTURE.md, checked on the sources: which part
// may import which, and no circle of imports (type-only imports count: a
// circle through a type is still two files that cannot be read apart).
import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');

function sourceFiles(directory: string): string[] {
	return readdirSync(directory, {withFileTypes: true}).flatMap((entry) => {
		const path = join(directory, entry.name);
		return entry.isDirectory() ? sourceFiles(path) : /\.(ts|tsx|js)$/.test(entry.name) ? [relative(ROOT, path)] : [];
	});
}

const files = sourceFiles(SRC);
const known = new Set(files);

// Every relative import of a file (static, dynamic, type-only, re-exports), as repository paths.
function importsOf(file: string): string[] {
	const text = readFileSync(join(ROOT, file), 'utf8');
	const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]);
	return specifiers.map((specifier) => {
		const base = relative(ROOT, resolve(ROOT, dirname(file), specifier));
		const found = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((candidate) => known.has(candidate));
		if (found === undefined) {
			throw new Error(`${file} imports ${specifier}, which is no source file`);
		}

		return found;
	});
}

const graph = new Map(files.map((file) => [file, importsOf(file)]));

// The part a file belongs to: the folder under src/ (src/server/<part>), as ARCHITECTURE.md names them.
function partOf(file: string): string {
	const [, top, sub] = file.split('/');
	if (top !== 'server') {
		return top;
	}

	return sub !== undefined && !sub.includes('.') ? `server/${sub}` : 'server';
}

// Which parts each part may import (besides itself).
const ALLOWED: Record<string, string[]> = {
	shared: [],
	browser: ['shared'],
	react: ['browser', 'shared'],
	// The console is a page in the browser too: it talks to the admin API over HTTP, never imports the server.
	console: ['shared'],
	vue: ['browser', 'shared'],
	'server/sign': ['shared'],
	'server/store': ['shared'],
	'server/verify': ['shared', 'server/sign'],
	'server/config': ['shared', 'server/store', 'server/verify'],
	'server/control': ['shared', 'server/config', 'server/store', 'server/verify'],
	'server/api': ['shared', 'server/config', 'server/control', 'server/store', 'server/verify', 'server/sign'],
	'server/node': ['server/api'],
	server: ['shared', 'server/sign', 'server/verify', 'server/api', 'server/config', 'server/control', 'server/node', 'server/store'],
};

// The published entries of a subpath (signet-js/server/postgres) load the
// guard that refuses a browser, as signet-js/server's entry does.
const ENTRY_IMPORTS: Record<string, string[]> = {'src/server/store/postgres/index.ts': ['server']};

const allowed = (file: string, target: string) =>
	partOf(target) === partOf(file) || ALLOWED[partOf(file)]?.includes(partOf(target)) || ENTRY_IMPORTS[file]?.includes(partOf(target));

describe('the layout of src/', () => {
	it('puts every source file in a part that ARCHITECTURE.md names', () => {
		expect(files.map(partOf).filter((part) => !(part in ALLOWED))).toEqual([]);
	});

	it('imports only down the parts: browser never server, store never api, sign nothing but shared', () => {
		const wrong = [...graph].flatMap(([file, imports]) =>
			imports.filter((target) => !allowed(file, target)).map((target) => `${file} -> ${target}`),
		);
		expect(wrong).toEqual([]);
	});

	it('has no circle of imports', () => {
		const circles: string[] = [];
		const state = new Map<string, 'open' | 'done'>();
		const visit = (file: string, path: string[]) => {
			if (state.get(file) === 'done') {
				return;
			}

			if (state.get(file) === 'open') {
				circles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
				return;
			}

			state.set(file, 'open');
			graph.get(file)!.forEach((target) => visit(target, [...path, file]));
			state.set(file, 'done');
		};

		files.forEach((file) => visit(file, []));
		expect(circles).toEqual([]);
	});
});

// `node bench/api-profile.mjs [target] [seconds]`: runs one target of the
// API load benchmark under node --cpu-prof while wrk loads it, then prints
// where its time went: idle, GC, and the functions with the most self and
// total time. The .cpuprofile stays in bench/profiles/ for Chrome DevTools.
import {mkdirSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {measureApiLoad} from './api-load.mjs';

/** Self and total milliseconds per function of a .cpuprofile, and the share of idle and GC time. */
export function summariseProfile(profile) {
	const byId = new Map(profile.nodes.map((node) => [node.id, {...node, self: 0}]));
	const parent = new Map();
	for (const node of profile.nodes) {
		for (const child of node.children ?? []) {
			parent.set(child, node.id);
		}
	}

	profile.samples.forEach((id, index) => {
		byId.get(id).self += (profile.timeDeltas[index] ?? 0) / 1000;
	});
	const total = [...byId.values()].reduce((sum, node) => sum + node.self, 0);
	const name = ({callFrame: {functionName, url, lineNumber}}) =>
		`${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|dist|lib|bench)\//, '$1/').replace(/^node:/, '')}:${lineNumber + 1}` : ''}`.trim();
	const self = new Map();
	const inclusive = new Map();
	for (const node of byId.values()) {
		const key = name(node);
		self.set(key, (self.get(key) ?? 0) + node.self);
		// Total time: this node's self time counts once for every distinct function above it.
		const seen = new Set();
		for (let id = node.id; id !== undefined; id = parent.get(id)) {
			const above = name(byId.get(id));
			if (!seen.has(above)) {
				seen.add(above);
				inclusive.set(above, (inclusive.get(above) ?? 0) + node.self);
			}
		}
	}

	const top = (map, count) =>
		[...map.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, count)
			.map(([fn, ms]) => ({fn, ms: Math.round(ms), share: Math.round((ms / total) * 1000) / 10}));
	return {totalMs: Math.round(total), self: top(self, 25), total: top(inclusive, 40)};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const target = process.argv[2] ?? 'reference';
	const seconds = Number(process.argv[3] ?? 10);
	const dir = fileURLToPath(new URL('profiles/', import.meta.url));
	mkdirSync(dir, {recursive: true});
	const before = new Set(readdirSync(dir));
	const result = await measureApiLoad({targets: [target], rounds: 1, seconds, warmUpSeconds: 3, execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`]});
	console.log(JSON.stringify(result.targets[target]));
	const written = readdirSync(dir).filter((file) => !before.has(file));
	const summary = summariseProfile(JSON.parse(readFileSync(join(dir, written[0]), 'utf8')));
	console.log(`profile ${join(dir, written[0])}: ${summary.totalMs} ms sampled`);
	console.log('\nself time');
	summary.self.forEach(({fn, ms, share}) => console.log(`${String(share).padStart(5)} %  ${String(ms).padStart(6)} ms  ${fn}`));
	console.log('\ntotal time');
	summary.total.forEach(({fn, ms, share}) => console.log(`${String(share).padStart(5)} %  ${String(ms).padStart(6)} ms  ${fn}`));
}

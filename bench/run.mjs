// `npm run bench`: measures the SDK's size, requests, speed and memory, and
// the reference API's throughput against a bare HMAC endpoint; prints the
// tables and writes bench/results.json. It measures, it never asserts: the
// budgets are tests (test/size.test.ts, test/budget.test.ts).
// `npm run bench -- api` measures only the API's throughput and keeps the
// other figures of bench/results.json as they were; `npm run bench -- api
// postgres bare` measures only the targets named (the last is the floor)
// and prints them without writing results.json, whose table is one run.
// `npm run bench -- sizes` measures only the shipped files' sizes and keeps
// the other figures of bench/results.json as they were.
// `npm run bench -- instructions [targets]` counts the CPU instructions one
// identify costs each API target under valgrind (api-instructions.mjs), a
// few minutes a target; a full run keeps the last count as it was.
import {cpus} from 'node:os';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {launchChromium} from '../test/support/chromium.mjs';
import {measureInstructions} from './api-instructions.mjs';
import {measureApiLoad} from './api-load.mjs';
import {measureMemory} from './memory.mjs';
import {measurePageLoads} from './page-load.mjs';
import {measureReplays} from './replay.mjs';
import {measureRequests} from './requests.mjs';
import {startApi, startPageServer} from './servers.mjs';
import {measureSizes} from './sizes.mjs';
import {formatResults} from './table.mjs';

const file = new URL('results.json', import.meta.url);
const apiOnly = process.argv[2] === 'api';
const instructionsOnly = process.argv[2] === 'instructions';
const apiTargets = apiOnly || instructionsOnly ? process.argv.slice(3) : [];
const sizesOnly = process.argv[2] === 'sizes';
const started = Date.now();
const cpuList = cpus();
const machine = {date: new Date().toISOString(), command: 'npm run bench', node: process.version, cpus: `${cpuList.length} × ${cpuList[0]?.model.trim() ?? 'unknown CPU'}`};
const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
let results;
if (sizesOnly) {
	results = {...previous, sizes: await measureSizes()};
} else if (instructionsOnly) {
	console.log('API instructions per identify (callgrind):');
	results = {...previous, apiInstructions: {...machine, ...(await measureInstructions(apiTargets.length > 0 ? {targets: apiTargets} : {}))}};
} else if (apiOnly) {
	console.log('API throughput (A B A B):');
	results = {...previous, api: {...machine, ...(await measureApiLoad(apiTargets.length > 0 ? {targets: apiTargets} : {}))}};
} else {
	const sizes = await measureSizes();
	const pages = await startPageServer();
	const api = await startApi(pages.origin);
	const browser = await launchChromium();
	try {
		results = {
			...machine,
			apiInstructions: previous.apiInstructions,
			chromium: browser.version(),
			sizes,
			requests: await measureRequests(browser, pages, api),
			pageLoad: await measurePageLoads(browser, pages, api),
			replay: await measureReplays(browser, pages, api),
			memory: await measureMemory(browser, pages, api),
		};
	} finally {
		await browser.close();
		await api.close();
		await pages.close();
	}

	console.log('API throughput (A B A B):');
	results.api = {...machine, ...(await measureApiLoad())};
}

const seconds = Math.round((Date.now() - started) / 1000);
if (!sizesOnly) {
	(apiOnly ? results.api : instructionsOnly ? results.apiInstructions : results).durationSeconds = seconds;
}

if (apiTargets.length === 0) {
	writeFileSync(file, `${JSON.stringify(results, null, '\t')}\n`);
}

console.log(formatResults(results));
console.log(apiTargets.length === 0 ? `\nWrote bench/results.json in ${seconds} s.` : `\nMeasured ${apiTargets.join(', ')} in ${seconds} s; bench/results.json left as it was.`);

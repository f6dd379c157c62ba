// `npm run bench`: measures the SDK's size, requests, speed and memory,
// prints the tables and writes bench/results.json. It measures, it never
// asserts: the budgets are tests (test/size.test.ts, test/budget.test.ts).
import {cpus} from 'node:os';
import {writeFileSync} from 'node:fs';
import {launchChromium} from '../test/support/chromium.mjs';
import {measureMemory} from './memory.mjs';
import {measurePageLoads} from './page-load.mjs';
import {measureReplays} from './replay.mjs';
import {measureRequests} from './requests.mjs';
import {startApi, startPageServer} from './servers.mjs';
import {measureSizes} from './sizes.mjs';
import {formatResults} from './table.mjs';

const started = Date.now();
const sizes = await measureSizes();
const pages = await startPageServer();
const api = await startApi(pages.origin);
const browser = await launchChromium();
let results;
try {
	const cpuList = cpus();
	results = {
		date: new Date().toISOString(),
		command: 'npm run bench',
		node: process.version,
		chromium: browser.version(),
		cpus: `${cpuList.length} × ${cpuList[0]?.model.trim() ?? 'unknown CPU'}`,
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

results.durationSeconds = Math.round((Date.now() - started) / 1000);
writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, '\t')}\n`);
console.log(formatResults(results));
console.log(`\nWrote bench/results.json in ${results.durationSeconds} s.`);

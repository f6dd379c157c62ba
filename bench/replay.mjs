// 10,000 calls recorded by the snippet before signet.umd.js arrives, then
// replayed: the main-thread time from the file's arrival until every
// recorded promise has settled, and the longest single task in that time.
import {CLIENT_TOKEN, signed, snippet} from './servers.mjs';
import {mainThread, median, round, spent, within} from './stats.mjs';

export const CALLS = 10_000;

// Half are getIdentity, half identical identifyUser calls: all 5,000
// identifies are replayed, dedupe sends one request.
function replayPage(apiUrl, hash) {
	return `<!doctype html><meta charset="utf-8"><title>Signet replay</title><script>${snippet('/signet.umd.js')};
window.benchLongTasks = [];
new PerformanceObserver((list) => { for (const entry of list.getEntries()) benchLongTasks.push(entry.duration); }).observe({type: 'longtask'});
Signet.init({clientToken: ${JSON.stringify(CLIENT_TOKEN)}, apiHost: ${JSON.stringify(apiUrl)}});
const calls = [];
for (let i = 0; i < ${CALLS / 2}; i++) {
	calls.push(Signet('getIdentity'));
	calls.push(Signet.identifyUser('u_42', {plan: 'pro'}, {hash: ${JSON.stringify(hash)}}));
}
window.benchDone = Promise.all(calls).then((results) => {
	fetch('/replayed', {method: 'POST'});
	return {recorded: calls.length, verified: results.filter((r) => r && r.verified === true).length, at: performance.now()};
});
</script>`;
}

// The longest top-level task of the renderer's main thread in a Chromium trace.
function longestTask(trace) {
	const {traceEvents} = JSON.parse(trace.toString());
	const main = traceEvents.filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain');
	let longest = 0;
	for (const {pid, tid} of main) {
		for (const event of traceEvents) {
			if (event.pid === pid && event.tid === tid && event.ph === 'X' && event.name === 'ThreadControllerImpl::RunTask') {
				longest = Math.max(longest, event.dur / 1000);
			}
		}
	}

	return longest;
}

async function measureReplay(browser, pages, api, trace) {
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await cdp.send('Performance.enable');
		const held = pages.holdUmd();
		const replayed = pages.expect('/replayed');
		const from = api.requests.length;
		await page.goto(`${pages.origin}/replay`, {waitUntil: 'commit'});
		await within(held.arrived, 'the UMD request');
		if (trace) {
			// Only top-level tasks: the cheapest trace that still times each task.
			await browser.startTracing(page, {categories: ['toplevel']});
		}

		const start = await mainThread(cdp);
		held.release();
		await within(replayed, 'the replay');
		const work = spent(start, await mainThread(cdp));
		const longest = trace ? longestTask(await browser.stopTracing()) : undefined;
		const {recorded, verified, longTasks} = await page.evaluate(async () => ({...(await window.benchDone), longTasks: window.benchLongTasks}));
		if (verified !== CALLS / 2) {
			throw new Error(`replay: ${verified} of ${CALLS / 2} identifies verified`);
		}

		return {recorded, taskMs: work.task, scriptMs: work.script, longestTaskMs: longest, longTasksOver50Ms: longTasks, requests: api.count(from)};
	} finally {
		await context.close();
	}
}

/**
 * Median main-thread time over `runs` untraced replays, and the longest
 * task over as many traced ones. Tracing slows tasks down, so that figure
 * is an upper bound; the untraced runs also list their long tasks (≥ 50 ms)
 * as the page's longtask observer saw them.
 */
export async function measureReplays(browser, pages, api, runs = 7) {
	pages.pages.set('/replay', replayPage(api.url, signed('u_42')));
	await measureReplay(browser, pages, api, false);
	const plain = [];
	const traced = [];
	for (let run = 0; run < runs; run++) {
		plain.push(await measureReplay(browser, pages, api, false));
		traced.push(await measureReplay(browser, pages, api, true));
	}

	return {
		calls: CALLS,
		runs,
		mainThreadTaskMs: round(median(plain.map((run) => run.taskMs))),
		mainThreadScriptMs: round(median(plain.map((run) => run.scriptMs))),
		longestTaskMs: round(median(traced.map((run) => run.longestTaskMs))),
		longestTaskMaxMs: round(Math.max(...traced.map((run) => run.longestTaskMs))),
		longTasksOver50Ms: plain.map((run) => run.longTasksOver50Ms.map((duration) => round(duration, 0))),
		identifyRequests: plain[0].requests.identify,
		preflights: plain[0].requests.preflight,
	};
}

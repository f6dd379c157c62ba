// Cold page loads with the snippet: how long after signet.umd.js arrives
// the identify request leaves, and how much main-thread time evaluating
// the file and running init + identifyUser costs. Every load gets a fresh
// browser context (empty cache and storage) and the file is never cached.
import {CLIENT_TOKEN, signed, snippet} from './servers.mjs';
import {mainThread, median, round, spent, within} from './stats.mjs';

/**
 * The page a customer would write: the snippet, then init and
 * identifyUser through the stub, all before the UMD has arrived.
 */
function loadPage(apiUrl, hash) {
	return `<!doctype html><meta charset="utf-8"><title>Signet page load</title><script>${snippet('/signet.umd.js')};
Signet.init({clientToken: ${JSON.stringify(CLIENT_TOKEN)}, apiHost: ${JSON.stringify(apiUrl)}});
window.benchDone = Signet.identifyUser('u_42', {plan: 'pro'}, {hash: ${JSON.stringify(hash)}}).then((result) => ({result, at: performance.now()}));
</script>`;
}

// Runs in the page once identify has settled: the Performance API's view.
async function pageTimings() {
	const {result, at} = await window.benchDone;
	const entries = performance.getEntriesByType('resource');
	const umd = entries.find((entry) => entry.name.endsWith('/signet.umd.js'));
	const identify = entries.find((entry) => entry.name.endsWith('/v1/identify'));
	return {verified: result.verified, umdArrived: umd.responseEnd, identifyLeft: identify.startTime, identified: at};
}

/** One cold load; answers its timings in milliseconds. */
async function measureLoad(browser, pages, api) {
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await cdp.send('Performance.enable');
		const held = pages.holdUmd();
		let reached;
		const atRequest = new Promise((resolve) => {
			reached = resolve;
		});
		// The identify request has reached the API: the page's work up to
		// sending it is done, and its answer waits for this reading.
		api.onIdentify = async () => {
			reached(await mainThread(cdp));
		};
		await page.goto(`${pages.origin}/load`, {waitUntil: 'commit'});
		await within(held.arrived, 'the UMD request');
		// The snippet and the stub calls have run; the file is held back.
		// Two readings with nothing between them: what one reading costs.
		const before = await mainThread(cdp);
		const start = await mainThread(cdp);
		const idle = spent(before, start);
		held.release();
		// Nothing else is asked of the page until the request has left.
		const work = spent(start, await within(atRequest, 'the identify request'));
		const timings = await page.evaluate(pageTimings);
		if (!timings.verified) {
			throw new Error('the bench identity was not verified');
		}

		return {
			umdToRequestMs: timings.identifyLeft - timings.umdArrived,
			umdToIdentifiedMs: timings.identified - timings.umdArrived,
			scriptMs: work.script,
			taskMs: work.task,
			readingTaskMs: idle.task,
		};
	} finally {
		api.onIdentify = undefined;
		await context.close();
	}
}

/** The medians of `loads` cold loads (after one warm-up load that is not counted). */
export async function measurePageLoads(browser, pages, api, loads = 25) {
	pages.pages.set('/load', loadPage(api.url, signed('u_42')));
	await measureLoad(browser, pages, api);
	const runs = [];
	for (let load = 0; load < loads; load++) {
		runs.push(await measureLoad(browser, pages, api));
	}

	const summary = (key) => ({median: round(median(runs.map((run) => run[key]))), min: round(Math.min(...runs.map((run) => run[key]))), max: round(Math.max(...runs.map((run) => run[key])))});
	return {
		loads,
		umdArrivedToIdentifyRequestMs: summary('umdToRequestMs'),
		umdArrivedToIdentifiedMs: summary('umdToIdentifiedMs'),
		mainThreadScriptMs: summary('scriptMs'),
		mainThreadTaskMs: summary('taskMs'),
		cdpReadingTaskMs: summary('readingTaskMs'),
	};
}

// The bench's stdout: one readable table per measurement.
import {TARGET_LABELS} from './api-users.mjs';

const bytes = (value) => value.toLocaleString('en-US');
const ms = (value) => `${value.toFixed(1)} ms`;
const kib = (value) => `${(value / 1024).toFixed(1)} KiB`;

function table(title, head, rows) {
	const widths = head.map((cell, column) => Math.max(String(cell).length, ...rows.map((row) => String(row[column]).length)));
	const line = (cells) => cells.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join('  ');
	return [`\n${title}`, line(head), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function budgetText({budget, gzip, raw}) {
	if (budget?.gzip !== undefined) {
		return `${bytes(budget.gzip)} gzip ${gzip <= budget.gzip ? 'ok' : 'OVER'}`;
	}

	if (budget?.raw !== undefined) {
		return `${bytes(budget.raw)} raw ${raw <= budget.raw ? 'ok' : 'OVER'}`;
	}

	return '';
}

/** All of results.json as text tables. */
export function formatResults(results) {
	const {sizes, requests, pageLoad, replay, memory} = results;
	const count = ({identify, preflight}) => [identify, preflight];
	const range = ({median, min, max}) => `${ms(median)} (${min.toFixed(1)}–${max.toFixed(1)})`;
	return [
		`Signet bench, ${results.date}: Node ${results.node}, Chromium ${results.chromium}, ${results.cpus}`,
		table(
			'Size (bytes)',
			['file', 'raw', 'gzip -9', 'brotli', 'budget'],
			Object.entries(sizes).map(([file, size]) => [file, bytes(size.raw), bytes(size.gzip), bytes(size.brotli), budgetText(size)]),
		),
		table('Requests at the API (headless Chromium, API on another port)', ['scenario', 'POST /v1/identify', 'OPTIONS'], [
			['first identify', ...count(requests.firstIdentify)],
			['repeated identical identify', ...count(requests.repeatedIdenticalIdentify)],
			['identity change (another user)', ...count(requests.identityChange)],
			['100 calls, 10 users, one tick, grouped by user', ...count(requests.hundredCallsTenUsersGrouped)],
			['100 calls, 10 users, one tick, interleaved', ...count(requests.hundredCallsTenUsersInterleaved)],
		]),
		table(`Page load with the snippet: median (min–max) of ${pageLoad.loads} cold loads`, ['measure', 'value'], [
			['UMD arrived → identify request left', range(pageLoad.umdArrivedToIdentifyRequestMs)],
			['UMD arrived → identify resolved (loopback API)', range(pageLoad.umdArrivedToIdentifiedMs)],
			['main thread, JavaScript (UMD eval + init + identify)', range(pageLoad.mainThreadScriptMs)],
			['main thread, all tasks in that time', range(pageLoad.mainThreadTaskMs)],
		]),
		table(`Replay of ${bytes(replay.calls)} calls queued by the snippet (median of ${replay.runs})`, ['measure', 'value'], [
			['main thread, all tasks', ms(replay.mainThreadTaskMs)],
			['main thread, JavaScript', ms(replay.mainThreadScriptMs)],
			['longest single task, traced (upper bound)', `${ms(replay.longestTaskMs)} (max ${ms(replay.longestTaskMaxMs)})`],
			['long tasks ≥ 50 ms per untraced run (longtask observer)', replay.longTasksOver50Ms.map((tasks) => (tasks.length ? tasks.join('+') : '–')).join(', ')],
			['identify requests / preflights', `${replay.identifyRequests} / ${replay.preflights}`],
		]),
		table(`Memory: ${bytes(memory.calls)} identify calls, ${bytes(memory.users)} users in rotation, each twice in a row`, ['measure', 'value'], [
			...memory.readings.map((reading) => [`JS heap after ${bytes(reading.afterCalls)} call${reading.afterCalls === 1 ? '' : 's'}`, kib(reading.jsBytes)]),
			['growth, first call → all', kib(memory.growthBytes)],
			[`growth after warm-up (${bytes(memory.readings[1].afterCalls)} → ${bytes(memory.calls)})`, `${kib(memory.growthAfterWarmUpBytes)} (${memory.growthPerCallAfterWarmUpBytes} B/call)`],
			['identify requests / preflights', `${bytes(memory.identifyRequests)} / ${memory.preflights}`],
			['embedder (Blink) heap growth per request: SDK / bare fetch()', `${memory.embedderGrowthPerRequestBytes} B / ${memory.control.embedderGrowthPerRequestBytes} B`],
		]),
		results.api === undefined ? '' : apiTable(results.api),
		results.apiInstructions?.targets === undefined ? '' : instructionsTable(results.apiInstructions),
	].join('\n');
}

/** Instructions per identify under callgrind, on each target's main thread and its others. */
export function instructionsTable(counted) {
	return table(
		`API instructions per identify: ${counted.tool}, after a warm-up of ${bytes(Object.values(counted.targets).find((t) => t.warmUp)?.warmUp ?? 0)} calls`,
		['target', 'main thread', '× bare', 'other threads', 'non-2xx'],
		Object.entries(counted.targets).map(([kind, t]) =>
			t.skipped !== undefined ? [TARGET_LABELS[kind] ?? kind, `not counted: ${t.skipped}`, '', '', ''] : [TARGET_LABELS[kind] ?? kind, `${t.mainThread}k`, t.timesFloor === undefined ? '1' : t.timesFloor.toFixed(2), `${t.otherThreads}k`, bytes(t.non2xx)],
		),
	);
}

/** The API throughput table: each target's median over the rounds, and its ratio to the bare endpoint. */
export function apiTable(api) {
	return table(
		`API throughput: ${api.generator}, ${api.connections} connections, ${bytes(api.users)} users, fresh messageId per call, ${api.rounds} rounds of ${api.secondsPerRound} s alternating (medians)`,
		['target', 'req/s', '× bare', 'p50', 'p99', 'CPU/request', 'non-2xx', 'req/s per round'],
		Object.entries(api.targets).map(([kind, t]) => t.skipped !== undefined ? [TARGET_LABELS[kind] ?? kind, `not measured: ${t.skipped}`, '', '', '', '', '', ''] : [
			TARGET_LABELS[kind] ?? kind,
			bytes(t.requestsPerSecond),
			t.ratio === undefined ? '1' : t.ratio.toFixed(2),
			`${t.p50Ms.toFixed(2)} ms`,
			`${t.p99Ms.toFixed(2)} ms`,
			`${t.cpuMicrosPerRequest} µs${t.databaseCpuMicrosPerRequest === undefined ? '' : ` + ${t.databaseCpuMicrosPerRequest} µs db`}`,
			bytes(t.non2xx + t.errors),
			t.rounds.map(bytes).join(', '),
		]),
	) + rowsLines(api);
}

// The rows each PostgreSQL target left in the database, one line each.
function rowsLines(api) {
	const lines = Object.entries(api.targets)
		.filter(([, t]) => t.rows !== undefined)
		.map(([kind, t]) => `rows after ${TARGET_LABELS[kind] ?? kind}: ${Object.entries(t.rows).map(([table, n]) => `${table} ${bytes(n)}`).join(', ')}`);
	return lines.length === 0 ? '' : `\n${lines.join('\n')}`;
}

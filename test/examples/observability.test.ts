// The dashboard and alerts a platform loads (examples/grafana,
// examples/prometheus) against a real GET /metrics answer: every metric and
// label they name exists, their PromQL parses (promtool), and each alert
// fires on the series it is for and stays quiet on the others (promtool's
// rule tests in alerts.promtest.yml).
import {execFileSync, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {MemoryStore, signIdentity} from '../../src/server/index';
import {identifyBody, SECRET, serve} from '../server/support/helpers';

const ROOT = new URL('../../', import.meta.url).pathname;
const ALERTS = join(ROOT, 'examples/prometheus/alerts.yml');
const DASHBOARD = join(ROOT, 'examples/grafana/signet-dashboard.json');
const OWNER = `sok_${randomBytes(24).toString('base64url')}`;

type Dashboard = {panels: Array<{title: string; targets: Array<{expr: string}>}>};
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const dashboardExpressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
// Each rule's expr: a block scalar (indented lines after `expr: |`) or one line.
const alertExpressions = [...readFileSync(ALERTS, 'utf8').matchAll(/^ +expr: (?:\|\n((?: {10,}.*\n)+)|(.+)\n)/gm)].map(([, block, line]) => block ?? line);

// promtool is Debian's prometheus package; CI installs it and sets SIGNET_REQUIRE_PROMTOOL=1.
const promtool = spawnSync('promtool', ['--version']).status === 0;
if (!promtool) {
	if (process.env.SIGNET_REQUIRE_PROMTOOL === '1') {
		throw new Error('promtool is missing: install Debian\'s prometheus package (apt-get install prometheus)');
	}

	console.warn('test/examples/observability.test.ts: promtool is not installed (Debian package prometheus), so the PromQL checks are skipped');
}

// A store whose next count of calls fails, as a database that drops does: the store error counter gets its sample.
class StoreFailingOnce extends MemoryStore {
	fail = false;
	override countCalls(...args: Parameters<MemoryStore['countCalls']>): ReturnType<MemoryStore['countCalls']> {
		if (this.fail) {
			this.fail = false;
			throw new Error('connection reset');
		}

		return super.countCalls(...args);
	}
}

/** The metrics of a real answer: each name with its type, and the label names its samples carry. */
async function realMetrics(): Promise<Map<string, {type: string; labels: Set<string>}>> {
	const store = new StoreFailingOnce();
	const api = await serve({
		store,
		clients: {ct_test: {secrets: [SECRET]}, ct_enforce: {secrets: [SECRET], enforce: true}},
		admin: {ownerKey: OWNER, masterKey: randomBytes(32).toString('base64')},
		metrics: true,
		rateLimit: {max: 2, windowMs: 60_000},
	});
	// Calls that give every series a sample: verified, failed with a hint, rate-limited, an admin change.
	const anonymousId = 'a-visitor-of-the-dashboard';
	for (const userId of ['Ada@Example.com', 'ada@example.com', 'grace']) {
		await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', anonymousId, userId, hash: signIdentity(userId.toLowerCase(), SECRET).hash}));
	}

	store.fail = true;
	expect((await api.post('/v1/identify', identifyBody({clientToken: 'ct_test'}))).status).toBe(503);
	await api.request('/v1/admin/clients', {method: 'POST', headers: {Authorization: `Bearer ${OWNER}`}, body: JSON.stringify({name: 'Dashboard'})});
	const text = (await api.request('/metrics', {headers: {Authorization: `Bearer ${OWNER}`}})).text;
	const metrics = new Map<string, {type: string; labels: Set<string>}>();
	for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
		metrics.set(name, {type, labels: new Set()});
	}

	for (const [, series, labels] of text.matchAll(/^([a-z_:][\w:]*)\{([^}]*)\}/gm)) {
		const name = metrics.has(series) ? series : series.replace(/_(bucket|sum|count)$/, '');
		for (const [, label] of labels.matchAll(/(\w+)="/g)) {
			metrics.get(name)?.labels.add(label);
		}
	}

	return metrics;
}

const metrics = await realMetrics();

// A name as PromQL uses it, resolved to the metric of the answer: a histogram's _bucket, _sum and _count are its own.
function metricOf(name: string): {type: string; labels: Set<string>} | undefined {
	const histogram = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
	return metrics.get(name) ?? (histogram !== undefined && metrics.get(histogram)?.type === 'histogram' ? metrics.get(histogram) : undefined);
}

describe.each([
	['examples/grafana/signet-dashboard.json', dashboardExpressions],
	['examples/prometheus/alerts.yml', alertExpressions],
])('%s', (_, expressions) => {
	it('names only metrics a real /metrics answers, with labels they carry', () => {
		expect(expressions.length).toBeGreaterThanOrEqual(4);
		for (const expression of expressions) {
			const names = [...expression.matchAll(/\b(?:signet|process|nodejs)_\w+/g)].map(([name]) => name);
			expect(names.length, expression).toBeGreaterThan(0);
			const known = new Set<string>(['le', 'instance', 'job']);
			for (const name of names) {
				const metric = metricOf(name);
				expect(metric, `${name} in ${expression}`).toBeDefined();
				metric!.labels.forEach((label) => known.add(label));
			}

			// Labels matched, grouped by or joined on: each is a label of a metric of this expression.
			const matched = [...expression.matchAll(/\{([^}]*)\}/g)].flatMap(([, inside]) => [...inside.matchAll(/(\w+)\s*[=!~]/g)].map(([, label]) => label));
			const grouped = [...expression.matchAll(/\b(?:by|on|ignoring)\s*\(([^)]*)\)/g)].flatMap(([, inside]) => inside.split(',').map((label) => label.trim()));
			for (const label of [...matched, ...grouped].filter((label) => label.length > 0)) {
				expect(known, `label ${label} in ${expression}`).toContain(label);
			}
		}
	});
});

describe.skipIf(!promtool)('promtool', () => {
	it('checks the alert rules', () => {
		expect(execFileSync('promtool', ['check', 'rules', ALERTS], {encoding: 'utf8'})).toMatch(/SUCCESS: 4 rules found/);
	});

	it("fires each alert on the series it is for, and not on a monitoring client's failures or a slow /metrics", () => {
		const result = spawnSync('promtool', ['test', 'rules', 'alerts.promtest.yml'], {cwd: new URL('.', import.meta.url).pathname, encoding: 'utf8'});
		expect(result.stdout + result.stderr).toContain('SUCCESS');
		expect(result.status).toBe(0);
	});

	it("parses every query of the dashboard (as recording rules, with Grafana's variables filled in)", () => {
		const dir = mkdtempSync(join(tmpdir(), 'signet-dashboard-'));
		try {
			const rules = dashboardExpressions.map((expression, index) => {
				const filled = expression.replaceAll('$__rate_interval', '2m').replaceAll('$client', '.*');
				return `      - record: dashboard:query_${index}\n        expr: |\n${filled.split('\n').map((line) => `          ${line}`).join('\n')}\n`;
			});
			writeFileSync(join(dir, 'dashboard.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules.join('')}`);
			expect(execFileSync('promtool', ['check', 'rules', join(dir, 'dashboard.yml')], {encoding: 'utf8'})).toContain(`SUCCESS: ${dashboardExpressions.length} rules found`);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});

// prom-client hashes and checks the label values on every inc and observe:
// about as much work as a Map update twenty times over, three times per
// identify, which cost identify 8 % of its instructions (callgrind). So the
// API counts in plain maps as it answers, and prom-client reads the counts
// when /metrics is scraped: its registry, metric types and exposition
// format are the ones a scraper gets, only the counting moved.
import type {Counter} from 'prom-client';

/**
 * Counts by label values, copied into a prom-client Counter at each scrape
 * (its `collect`). Few series: their label values are bounded.
 *
 * @example
 * const requests = new Tally<'route' | 'status'>();
 * requests.add(`identify 200`, () => ({route: 'identify', status: '200'}));
 * new Counter({…, collect() { requests.copyTo(this); }});
 */
export class Tally<L extends string> {
	readonly #series = new Map<string, {labels: Record<L, string>; value: number}>();

	/** Adds one to the series named `key`; `labels` gives its label values the first time. */
	add(key: string, labels: () => Record<L, string>): void {
		const series = this.#series.get(key);
		if (series === undefined) {
			this.#series.set(key, {labels: labels(), value: 1});
		} else {
			series.value += 1;
		}
	}

	/** Writes the totals into `counter`, reset first: they are totals, not increments. */
	copyTo(counter: Counter<L>): void {
		counter.reset();
		for (const {labels, value} of this.#series.values()) {
			counter.inc(labels, value);
		}
	}
}

type Series = {counts: Float64Array; sum: number; count: number};
type Sample = {metricName: string; labels: Record<string, string | number>; value: number};

/**
 * A histogram by route, as prom-client's registry reads a metric (`get`):
 * cumulative `_bucket` series with `le`, `_sum` and `_count`.
 *
 * @example
 * const duration = new RouteHistogram('signet_http_request_duration_seconds', 'Time to answer', [0.001, 0.01]);
 * duration.observe('identify', 0.0004);
 * registry.registerMetric(duration);
 */
export class RouteHistogram {
	readonly type = 'histogram';
	readonly aggregator = 'sum';
	readonly #buckets: number[];
	readonly #routes = new Map<string, Series>();

	constructor(readonly name: string, readonly help: string, buckets: number[]) {
		this.#buckets = buckets;
	}

	/** Counts one answer of `route` that took `seconds`. */
	observe(route: string, seconds: number): void {
		let series = this.#routes.get(route);
		if (series === undefined) {
			series = {counts: new Float64Array(this.#buckets.length), sum: 0, count: 0};
			this.#routes.set(route, series);
		}

		const index = this.#buckets.findIndex((bound) => seconds <= bound);
		if (index !== -1) {
			series.counts[index] += 1;
		}

		series.sum += seconds;
		series.count += 1;
	}

	/** The series as prom-client's registry formats them. */
	get(): {name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Sample[]} {
		const values = [...this.#routes].flatMap(([route, {counts, sum, count}]): Sample[] => {
			let below = 0;
			const buckets = this.#buckets.map((le, index): Sample => {
				below += counts[index];
				return {metricName: `${this.name}_bucket`, labels: {route, le}, value: below};
			});
			return [...buckets, {metricName: `${this.name}_bucket`, labels: {route, le: '+Inf'}, value: count}, {metricName: `${this.name}_sum`, labels: {route}, value: sum}, {metricName: `${this.name}_count`, labels: {route}, value: count}];
		});
		return {name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values};
	}

	/** Forgets every count (the registry's resetMetrics). */
	reset(): void {
		this.#routes.clear();
	}
}

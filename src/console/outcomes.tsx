/** @jsxImportSource preact */
// The outcomes of the last 24 hours: verified and failed identifies per
// hour, failures stacked by code, drawn by uPlot; the same numbers as a
// table (for screen readers and for reading them exactly), and the hints.
import {useEffect, useRef} from 'preact/hooks';
import uPlot from 'uplot';
import type {Outcomes, Readiness} from './types';
import {TableHead} from './ui';

// Verified first, then one colour per failure code, in the order the codes are sorted.
const COLOURS = ['#2e7d32', '#c62828', '#ef6c00', '#6a1b9a', '#1565c0', '#795548', '#37474f'];

/** The layers of the chart: verified, then each failure code, with each hour's counts. */
function layersOf(outcomes: Outcomes): Array<{name: string; counts: number[]}> {
	const codes = [...new Set(outcomes.hours.flatMap((hour) => Object.keys(hour.byCode)))].filter((code) => code !== 'ok').sort();
	return [{name: 'verified', counts: outcomes.hours.map((hour) => hour.verified)}, ...codes.map((code) => ({name: code, counts: outcomes.hours.map((hour) => hour.byCode[code] ?? 0)}))];
}

/**
 * The chart of the last 24 hours, its numbers as a table, and the failures by hint.
 *
 * @example
 * <OutcomesPanel outcomes={outcomes} readiness={readiness} />
 */
export function OutcomesPanel({outcomes, readiness}: {outcomes: Outcomes | undefined; readiness: Readiness | undefined}) {
	const layers = outcomes === undefined ? [] : layersOf(outcomes);
	const hints = Object.entries(readiness?.byHint ?? {});
	return (
		<section aria-labelledby="outcomes-title">
			<h3 id="outcomes-title">Outcomes, last 24 hours</h3>
			{outcomes === undefined ? null : <Chart outcomes={outcomes} layers={layers} />}
			<ul class="legend" aria-hidden="true">
				{layers.map((layer, index) => (
					<li key={layer.name}>
						<span class={`swatch swatch-${index % COLOURS.length}`} /> {layer.name}
					</li>
				))}
			</ul>
			{outcomes === undefined ? null : (
				<details>
					<summary>The numbers per hour</summary>
					<div class="scroll">
						<table class="outcomes">
							<caption class="visually-hidden">Identify calls per hour</caption>
							<TableHead columns={['Hour', ...layers.map((layer) => layer.name)]} />
							<tbody>
								{outcomes.hours.map((hour, row) => (
									<tr key={hour.at}>
										<th scope="row">{new Date(hour.at).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'})}</th>
										{layers.map((layer) => (
											<td key={layer.name}>{layer.counts[row]}</td>
										))}
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</details>
			)}
			<h4>Failures by hint</h4>
			{hints.length === 0 ? (
				<p>No hint in the last {readiness?.hours ?? 24} hours.</p>
			) : (
				<table class="hints">
					<caption class="visually-hidden">Failures by hint, last {readiness?.hours} hours</caption>
					<TableHead columns={['Hint', 'Calls']} />
					<tbody>
						{hints.map(([hint, count]) => (
							<tr key={hint}>
								<td>{hint}</td>
								<td>{count}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</section>
	);
}

function Chart({outcomes, layers}: {outcomes: Outcomes; layers: Array<{name: string; counts: number[]}>}) {
	const box = useRef<HTMLDivElement>(null);
	useEffect(() => {
		const element = box.current!;
		const xs = outcomes.hours.map((hour) => Date.parse(hour.at) / 1000);
		// Stacked: each layer drawn as the sum of itself and those below, tallest first, so each shows above the one under it.
		const sums = layers.map((_, index) => xs.map((__, hour) => layers.slice(0, index + 1).reduce((total, layer) => total + layer.counts[hour], 0)));
		const order = layers.map((_, index) => index).reverse();
		const bars = uPlot.paths.bars!({size: [0.8, 40]});
		const plot = new uPlot(
			{
				width: element.clientWidth || 600,
				height: 240,
				legend: {show: false},
				cursor: {show: false},
				scales: {y: {range: (_, __, max) => [0, Math.max(1, max)]}},
				axes: [{}, {label: 'calls', size: 50}],
				series: [{}, ...order.map((index) => ({label: layers[index].name, fill: COLOURS[index % COLOURS.length], stroke: COLOURS[index % COLOURS.length], paths: bars, points: {show: false}}))],
			},
			[xs, ...order.map((index) => sums[index])],
			element,
		);
		const resize = new ResizeObserver(() => plot.setSize({width: element.clientWidth, height: 240}));
		resize.observe(element);
		return () => {
			resize.disconnect();
			plot.destroy();
		};
	}, [outcomes, layers.map((layer) => layer.name).join()]);

	const total = (name: string) => layers.find((layer) => layer.name === name)?.counts.reduce((sum, count) => sum + count, 0) ?? 0;
	const failed = layers.slice(1).reduce((sum, layer) => sum + total(layer.name), 0);
	return <div class="chart" ref={box} role="img" aria-label={`Identify calls per hour, last 24 hours: ${total('verified')} verified, ${failed} failed`} />;
}

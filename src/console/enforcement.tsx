/** @jsxImportSource preact */
// The enforcement switch, with the readiness verdict beside it: on when
// safe in one click, on when not safe only after a second confirmation
// (force: true), off always in one click.
import {useState} from 'preact/hooks';
import {ApiError, call} from './api';
import type {Client, Readiness} from './types';
import {Confirm, ProgressLine, TableHead, useAction, when} from './ui';

type Props = {client: Client; path: string; canChange: boolean; readiness: Readiness | undefined; onChanged: (client?: Client) => Promise<void>};

/**
 * The enforcement switch beside the readiness report.
 *
 * @example
 * <Enforcement client={client} path="clients/ct_…" canChange readiness={readiness} onChanged={reload} />
 */
export function Enforcement({client, path, canChange, readiness, onChanged}: Props) {
	const [confirming, setConfirming] = useState<Readiness | undefined>(undefined);
	const [progress, run] = useAction();
	const send = (enforce: boolean, force: boolean) =>
		run(
			enforce ? 'Switching enforcement on…' : 'Switching enforcement off…',
			async () => {
				try {
					const {client: updated} = await call<{client: Client}>('PATCH', path, enforce ? {enforce, ...(force ? {force} : {})} : {enforce});
					await onChanged(updated);
				} catch (error) {
					// Readiness moved since it was read: ask, with the API's report.
					if (error instanceof ApiError && error.code === 'not_ready') {
						setConfirming((error.body as {readiness: Readiness}).readiness);
					}

					throw error;
				}
			},
			enforce ? 'Enforcement is on: unverified calls are refused.' : 'Enforcement is off: unverified calls are let through and counted.',
		);
	const toggle = () => {
		if (client.enforce) {
			void send(false, false);
		} else if (readiness !== undefined && !readiness.safeToEnforce) {
			setConfirming(readiness);
		} else {
			void send(true, false);
		}
	};

	return (
		<section aria-labelledby="enforcement-title">
			<h3 id="enforcement-title">Enforcement</h3>
			<p>
				{canChange ? (
					<button type="button" role="switch" aria-checked={client.enforce} class="switch" onClick={toggle} disabled={progress.state === 'busy'}>
						Require identity verification
					</button>
				) : null}{' '}
				<strong>{client.enforce ? 'On: calls that do not verify are refused.' : 'Off (monitor mode): every call is let through, failures are counted.'}</strong>
			</p>
			<ProgressLine progress={progress} />
			{confirming === undefined ? null : (
				<Confirm
					what="Switch enforcement on although it is not safe"
					consequence={`Readiness says it is not safe: ${verdictOf(confirming)} Switched on, calls like these are refused. Switch on anyway?`}
					confirm="Switch on anyway"
					onConfirm={() => {
						setConfirming(undefined);
						void send(true, true);
					}}
					onCancel={() => setConfirming(undefined)}
				/>
			)}
			{readiness === undefined ? null : <ReadinessReport readiness={readiness} />}
		</section>
	);
}

function verdictOf(readiness: Readiness): string {
	if (readiness.total === 0) {
		return `no call in the last ${readiness.hours} hours, so nothing shows that your backend signs correctly.`;
	}

	const failed = readiness.total - (readiness.byCode.ok ?? 0);
	return `${failed} of ${readiness.total} calls in the last ${readiness.hours} hours did not verify.`;
}

function ReadinessReport({readiness}: {readiness: Readiness}) {
	const counts = (title: string, entries: Record<string, number>) => (
		<table class="counts">
			<caption>{title}</caption>
			<tbody>
				{Object.entries(entries).map(([name, count]) => (
					<tr key={name}>
						<th scope="row">{name}</th>
						<td>{count}</td>
					</tr>
				))}
			</tbody>
		</table>
	);
	return (
		<div class="readiness" aria-label="Readiness">
			<p class={readiness.safeToEnforce ? 'verdict safe' : 'verdict unsafe'}>
				{readiness.safeToEnforce ? `Safe to enforce: all ${readiness.total} calls of the last ${readiness.hours} hours verified.` : `Not safe to enforce: ${verdictOf(readiness)}`}
			</p>
			<div class="columns">
				{counts('Calls by code', readiness.byCode)}
				{Object.keys(readiness.byHint).length === 0 ? null : counts('Failures by hint', readiness.byHint)}
			</div>
			{readiness.recentFailures.length === 0 ? null : (
				<div class="scroll">
					<table class="failures">
						<caption>Recent failures</caption>
						<TableHead columns={['User id', 'Code', 'Hint', 'Time']} />
						<tbody>
							{readiness.recentFailures.map((failure, index) => (
								<tr key={index}>
									<td>{failure.userId}</td>
									<td>{failure.code}</td>
									<td>{failure.hint ?? '—'}</td>
									<td>{when(failure.at)}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
		</div>
	);
}

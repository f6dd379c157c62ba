/** @jsxImportSource preact */
// One client's page: how to set it up, its keys, enforcement beside the
// readiness verdict, the outcomes of the last day and its audit log. Every
// change reloads what it may have moved.
import {useEffect, useState} from 'preact/hooks';
import {call} from './api';
import {AuditLog} from './audit-log';
import {Enforcement} from './enforcement';
import {Keys} from './keys';
import {OutcomesPanel} from './outcomes';
import {Setup} from './setup';
import type {AuditEvent, Client, Outcomes, Readiness} from './types';
import {ProgressLine, useAction} from './ui';

type Props = {client: Client; canChange: boolean; onChanged: (client: Client) => void};

/** What the page reads of the API besides the client itself. */
type Reports = {readiness?: Readiness; outcomes?: Outcomes; events?: AuditEvent[]};

/**
 * One client's page; `canChange` false (a viewer, a configuration client) leaves out every control that changes it.
 *
 * @example
 * <ClientPage client={client} canChange={role !== 'viewer'} onChanged={replace} />
 */
export function ClientPage({client, canChange, onChanged}: Props) {
	const [reports, setReports] = useState<Reports>({});
	const [progress, run] = useAction();
	const path = `clients/${encodeURIComponent(client.token)}`;
	const reload = () =>
		run(
			'Loading readiness, outcomes and the audit log…',
			async () => {
				const [readiness, outcomes, audit] = await Promise.all([
					call<Readiness>('GET', `${path}/readiness`),
					call<Outcomes>('GET', `${path}/outcomes?hours=24`),
					call<{events: AuditEvent[]}>('GET', `audit?clientToken=${encodeURIComponent(client.token)}&limit=100`),
				]);
				setReports({readiness, outcomes, events: audit.events});
			},
			'Up to date.',
		);
	// After a change: the client as the API now has it, and the reports it moves.
	const changed = async (updated?: Client) => {
		onChanged(updated ?? (await call<{client: Client}>('GET', path)).client);
		await reload();
	};

	useEffect(() => void reload(), [client.token]);
	return (
		<article aria-labelledby="client-title">
			<h2 id="client-title">{client.name}</h2>
			<p class="detail">
				{client.source === 'config' ? 'Defined in the API’s configuration: read-only here.' : `Made ${client.createdAt ? new Date(client.createdAt).toLocaleString() : ''}`}{' '}
				<button type="button" onClick={() => void reload()} disabled={progress.state === 'busy'}>
					Refresh
				</button>
			</p>
			<ProgressLine progress={progress} />
			<Setup client={client} />
			<Keys client={client} path={path} canChange={canChange} readiness={reports.readiness} onChanged={changed} />
			<Enforcement client={client} path={path} canChange={canChange} readiness={reports.readiness} onChanged={changed} />
			<OutcomesPanel outcomes={reports.outcomes} readiness={reports.readiness} />
			<AuditLog events={reports.events} />
		</article>
	);
}

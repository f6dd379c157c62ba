/** @jsxImportSource preact */
// The client's audit log, newest first: who, what, when, what changed.
import type {AuditEvent} from './types';
import {TableHead, when} from './ui';

/**
 * The audit log of one client, newest first (`undefined` while it loads).
 *
 * @example
 * <AuditLog events={audit.events} />
 */
export function AuditLog({events}: {events: AuditEvent[] | undefined}) {
	return (
		<section aria-labelledby="audit-title">
			<h3 id="audit-title">Audit log</h3>
			{events === undefined ? null : events.length === 0 ? (
				<p>Nothing changed yet.</p>
			) : (
				<div class="scroll">
					<table class="audit">
						<caption class="visually-hidden">Changes to this client, newest first</caption>
						<TableHead columns={['When', 'Who', 'What', 'Changes']} />
						<tbody>
							{events.map((event, index) => (
								<tr key={index}>
									<td>{when(event.at)}</td>
									<td>
										{event.actor.id} ({event.actor.role})
									</td>
									<td>
										{event.action}
										{event.keyId === undefined ? '' : ` ${event.keyId}`}
									</td>
									<td>{changesText(event.changes)}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
		</section>
	);
}

function changesText(changes: AuditEvent['changes']): string {
	const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));
	return Object.entries(changes ?? {})
		.map(([field, {from, to}]) => `${field}: ${show(from)} → ${show(to)}`)
		.join('; ');
}

/** @jsxImportSource preact */
// The clients, and a form that makes one (name, allowed origins).
import {useState} from 'preact/hooks';
import {call} from './api';
import type {Client} from './types';
import {ProgressLine, useAction} from './ui';

type Props = {clients: Client[]; chosen: string | undefined; canChange: boolean; onChoose: (token: string) => void; onCreated: (client: Client) => void};

/**
 * The list of clients, with the form that makes one for a role that may.
 *
 * @example
 * <ClientList clients={clients} chosen={token} canChange onChoose={setChosen} onCreated={add} />
 */
export function ClientList({clients, chosen, canChange, onChoose, onCreated}: Props) {
	return (
		<nav class="clients" aria-label="Clients">
			<h2>Clients</h2>
			<ul>
				{clients.map((client) => (
					<li key={client.token}>
						<button type="button" class="link" aria-current={client.token === chosen ? 'page' : undefined} onClick={() => onChoose(client.token)}>
							{client.name}
						</button>
						<span class="detail">{client.enforce ? 'enforcing' : 'monitoring'}</span>
					</li>
				))}
			</ul>
			{canChange ? <NewClient onCreated={onCreated} /> : null}
		</nav>
	);
}

function NewClient({onCreated}: {onCreated: (client: Client) => void}) {
	const [name, setName] = useState('');
	const [origins, setOrigins] = useState('');
	const [progress, run] = useAction();
	const submit = async (event: Event) => {
		event.preventDefault();
		const allowedOrigins = origins.split(/[\s,]+/).filter((origin) => origin !== '');
		let made: Client | undefined;
		if (await run('Making the client…', async () => (made = (await call<{client: Client}>('POST', 'clients', {name: name.trim(), allowedOrigins})).client), 'Client made.')) {
			setName('');
			setOrigins('');
			onCreated(made!);
		}
	};

	return (
		<form class="new-client" onSubmit={submit}>
			<h3>New client</h3>
			<label for="client-name">Name</label>
			<input id="client-name" required value={name} onInput={(event) => setName(event.currentTarget.value)} />
			<label for="client-origins">Allowed origins</label>
			<textarea id="client-origins" rows={2} aria-describedby="client-origins-help" value={origins} onInput={(event) => setOrigins(event.currentTarget.value)} />
			<p id="client-origins-help" class="detail">
				One per line, like https://app.example.com
			</p>
			<button type="submit" disabled={progress.state === 'busy'}>
				Make client
			</button>
			<ProgressLine progress={progress} />
		</form>
	);
}

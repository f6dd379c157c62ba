/** @jsxImportSource preact */
// The console: sign in with an admin credential, then the clients, and the
// page of the one chosen. What a role may not do is absent, not disabled.
import {useEffect, useState} from 'preact/hooks';
import {call, holdCredential} from './api';
import {ClientPage} from './client-page';
import {ClientList} from './client-list';
import {SignIn} from './sign-in';
import type {Client, Me} from './types';
import {ProgressLine, useAction} from './ui';

/**
 * The whole console: the sign-in until a credential works, then the clients.
 *
 * @example
 * render(<App />, document.getElementById('console')!);
 */
export function App() {
	const [me, setMe] = useState<Me['credential'] | undefined>(undefined);
	const signOut = () => {
		holdCredential(undefined);
		setMe(undefined);
	};

	return (
		<>
			<header class="top">
				<h1>Signet console</h1>
				{me === undefined ? null : (
					<p class="who">
						Signed in as <strong>{me.name}</strong> ({me.role}){' '}
						<button type="button" onClick={signOut}>
							Sign out
						</button>
					</p>
				)}
			</header>
			{me === undefined ? <SignIn onSignedIn={setMe} /> : <Clients canChange={me.role !== 'viewer'} />}
		</>
	);
}

function Clients({canChange}: {canChange: boolean}) {
	const [clients, setClients] = useState<Client[] | undefined>(undefined);
	const [chosen, setChosen] = useState<string | undefined>(undefined);
	const [progress, run] = useAction();
	const load = () => run('Loading the clients…', async () => setClients((await call<{clients: Client[]}>('GET', 'clients')).clients), '');
	useEffect(() => void load(), []);

	const client = clients?.find((entry) => entry.token === chosen);
	const changed = (updated: Client) => setClients((list) => list?.map((entry) => (entry.token === updated.token ? updated : entry)));
	return (
		<div class="layout">
			<ClientList
				clients={clients ?? []}
				chosen={chosen}
				canChange={canChange}
				onChoose={setChosen}
				onCreated={(created) => {
					setClients((list) => [...(list ?? []), created]);
					setChosen(created.token);
				}}
			/>
			<main id="content">
				<ProgressLine progress={progress} />
				{client === undefined ? (
					<p>{clients?.length === 0 ? 'No client yet: make one to get its client token.' : 'Choose a client.'}</p>
				) : (
					<ClientPage key={client.token} client={client} canChange={canChange && client.source === 'registry'} onChanged={changed} />
				)}
			</main>
		</div>
	);
}

/** @jsxImportSource preact */
// Signing in: the credential pasted here is kept in memory only, and
// checked at once (GET /v1/admin/me), so a wrong key says so.
import {useState} from 'preact/hooks';
import {call, holdCredential} from './api';
import type {Me} from './types';
import {ProgressLine, useAction} from './ui';

/**
 * The sign-in form: answers who the credential is once the API accepted it.
 *
 * @example
 * <SignIn onSignedIn={setMe} />
 */
export function SignIn({onSignedIn}: {onSignedIn: (me: Me['credential']) => void}) {
	const [key, setKey] = useState('');
	const [progress, run] = useAction();
	const submit = async (event: Event) => {
		event.preventDefault();
		holdCredential(key.trim());
		let me: Me | undefined;
		const ok = await run('Checking the credential…', async () => (me = await call<Me>('GET', 'me')), 'Signed in.');
		if (ok && me !== undefined) {
			setKey('');
			onSignedIn(me.credential);
		} else {
			holdCredential(undefined);
		}
	};

	return (
		<main class="sign-in">
			<h2>Sign in</h2>
			<p>Paste an admin credential: the owner key of the API, or one made for you. It stays in this tab's memory: closing the tab signs you out.</p>
			<form onSubmit={submit}>
				<label for="credential">Admin credential</label>
				<input id="credential" type="password" autoComplete="off" spellcheck={false} required value={key} onInput={(event) => setKey(event.currentTarget.value)} />
				<button type="submit" disabled={progress.state === 'busy'}>
					Sign in
				</button>
			</form>
			<ProgressLine progress={progress} />
		</main>
	);
}

/** @jsxImportSource preact */
// A client's keys: generate a secret (shown once, with the sign snippets),
// add a public key (JWK), retire or delete one after saying what happens.
import {useState} from 'preact/hooks';
import {call} from './api';
import {SECRET_VARIABLE, signSnippets} from './snippets';
import type {Client, Key, Readiness} from './types';
import {CodeBlock, Confirm, CopyButton, ProgressLine, TableHead, useAction, when} from './ui';

type Props = {client: Client; path: string; canChange: boolean; readiness: Readiness | undefined; onChanged: (client?: Client) => Promise<void>};

type Asking = {key: Key; action: 'retire' | 'delete'};

/**
 * A client's keys and what may be done with them.
 *
 * @example
 * <Keys client={client} path="clients/ct_…" canChange readiness={readiness} onChanged={reload} />
 */
export function Keys({client, path, canChange, readiness, onChanged}: Props) {
	const [secret, setSecret] = useState<{key: Key; secret: string} | undefined>(undefined);
	const [asking, setAsking] = useState<Asking | undefined>(undefined);
	const [progress, run] = useAction();
	// Calls signed with a retired key in the window: the key is retired, but a backend still uses it.
	const retiredInUse = readiness?.byHint.retired_key ?? 0;

	const generate = () =>
		run(
			'Generating a key…',
			async () => {
				const made = await call<{key: Key; secret: string}>('POST', `${path}/keys`, {type: 'secret'});
				setSecret(made);
				await onChanged();
			},
			'Key generated: copy its secret now, it is shown only once.',
		);
	const change = ({key, action}: Asking) => {
		setAsking(undefined);
		const keyPath = `${path}/keys/${encodeURIComponent(key.id)}`;
		const [busy, done, work] =
			action === 'retire'
				? [`Retiring key ${key.fingerprint}…`, `Key ${key.fingerprint} retired.`, () => call('POST', `${keyPath}/retire`)]
				: [`Deleting key ${key.fingerprint}…`, `Key ${key.fingerprint} deleted.`, () => call('DELETE', keyPath)];
		return run(busy, async () => {
			await work();
			await onChanged();
		}, done);
	};

	return (
		<section aria-labelledby="keys-title">
			<h3 id="keys-title">Keys</h3>
			{client.keys.length === 0 ? (
				<p>No key yet: generate one for your backend to sign with.</p>
			) : (
				<div class="scroll">
					<table>
						<caption class="visually-hidden">Keys of {client.name}</caption>
						<TableHead columns={['Fingerprint', 'Type', 'Status', 'Created', 'Last used', ...(canChange ? ['Actions'] : [])]} />
						<tbody>
							{client.keys.map((key) => (
								<tr key={key.id}>
									<td>
										<code>{key.fingerprint}</code>
									</td>
									<td>
										{key.type} ({key.use})
									</td>
									<td>
										{key.status}
										{key.status === 'retired' && retiredInUse > 0 ? <strong class="flag"> still used: {retiredInUse} call(s) signed with a retired key in the last day</strong> : null}
									</td>
									<td>{when(key.createdAt)}</td>
									<td>{when(key.lastUsedAt)}</td>
									{canChange ? (
										<td>
											{key.status === 'active' ? (
												<button type="button" aria-label={`Retire key ${key.fingerprint}`} onClick={() => setAsking({key, action: 'retire'})}>
													Retire
												</button>
											) : null}{' '}
											<button type="button" class="danger" aria-label={`Delete key ${key.fingerprint}`} onClick={() => setAsking({key, action: 'delete'})}>
												Delete
											</button>
										</td>
									) : null}
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{asking === undefined ? null : (
				<Confirm
					what={`${asking.action === 'retire' ? 'Retire' : 'Delete'} key ${asking.key.fingerprint}`}
					consequence={
						asking.action === 'retire'
							? `Retire key ${asking.key.fingerprint}? Backends still signing with this key will be refused once enforcement is on; until then their calls count as failures with the hint retired_key.`
							: `Delete key ${asking.key.fingerprint}? It cannot be undone: backends still signing with this key will be refused once enforcement is on.`
					}
					confirm={asking.action === 'retire' ? 'Retire key' : 'Delete key'}
					onConfirm={() => void change(asking)}
					onCancel={() => setAsking(undefined)}
				/>
			)}
			{canChange ? (
				<p>
					<button type="button" onClick={() => void generate()} disabled={progress.state === 'busy'}>
						Generate key
					</button>
				</p>
			) : null}
			<ProgressLine progress={progress} />
			{secret === undefined ? null : <NewSecret made={secret} onDone={() => setSecret(undefined)} />}
			{canChange ? <AddPublicKey path={path} onChanged={onChanged} /> : null}
		</section>
	);
}

function NewSecret({made, onDone}: {made: {key: Key; secret: string}; onDone: () => void}) {
	return (
		<div class="secret" role="region" aria-label="The new key's secret">
			<p>
				<strong>Copy this secret now: it is shown only once.</strong> Put it in your backend's secret store as <code>{SECRET_VARIABLE}</code>; never in a page.
			</p>
			<p>
				<code class="token" data-secret>
					{made.secret}
				</code>{' '}
				<CopyButton text={made.secret} label="Copy secret" />
			</p>
			<p>Then sign the logged-in user's id with it, in your backend:</p>
			{signSnippets().map(({label, code}) => (
				<details key={label}>
					<summary>{label}</summary>
					<CodeBlock code={code} label={`${label} sign snippet`} />
				</details>
			))}
			<button type="button" onClick={onDone}>
				I have stored it: hide the secret
			</button>
		</div>
	);
}

function AddPublicKey({path, onChanged}: {path: string; onChanged: () => Promise<void>}) {
	const [jwk, setJwk] = useState('');
	const [progress, run] = useAction();
	const submit = async (event: Event) => {
		event.preventDefault();
		const added = await run(
			'Adding the public key…',
			async () => {
				let parsed: unknown;
				try {
					parsed = JSON.parse(jwk);
				} catch {
					throw new Error('This is not JSON: paste the public key as a JWK, like {"kty":"EC","crv":"P-256","x":"…","y":"…"}.');
				}

				await call('POST', `${path}/keys`, {type: 'public', jwk: parsed});
				await onChanged();
			},
			'Public key added.',
		);
		if (added) {
			setJwk('');
		}
	};

	return (
		<details class="add-public">
			<summary>Add public key</summary>
			<form onSubmit={submit}>
				<label for="public-jwk">Public key (JWK)</label>
				<textarea id="public-jwk" rows={4} required spellcheck={false} value={jwk} onInput={(event) => setJwk(event.currentTarget.value)} />
				<button type="submit" disabled={progress.state === 'busy'}>
					Add public key
				</button>
				<ProgressLine progress={progress} />
			</form>
		</details>
	);
}

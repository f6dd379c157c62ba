// The ESM example: the npm build imported through an import map, and
// createClient for an instance of the page's own.
import {createClient, IdentityVerificationError} from 'signet-js';

const $ = (id) => document.getElementById(id);
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const options = {clientToken: meta('signet-client-token'), apiHost: meta('signet-api-host')};

async function backend(path) {
	const response = await fetch(path);
	if (!response.ok) {
		throw new Error(`${path} answered ${response.status}`);
	}

	return response.json();
}

// One line per key, the variables one level down: easier to scan than JSON.stringify(value, null, 2).
function compactJson(object, indent = '  ') {
	const lines = Object.entries(object).map(([key, value]) => {
		const nested = key === 'variables' && value !== null && typeof value === 'object' && Object.keys(value).length > 0;
		return `${indent}${JSON.stringify(key)}: ${nested ? compactJson(value, indent + '  ') : JSON.stringify(value)}`;
	});
	return lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n${indent.slice(2)}}`;
}

function show(id, tone, text) {
	$(id).className = `result ${tone}`;
	$(id).textContent = text;
}

function renderState(client) {
	const state = client.getIdentity();
	$('esm-status').textContent = state.status;
	$('esm-status').className = `badge ${state.status}`;
	$('esm-user').textContent = state.userId ?? '–';
	$('esm-greeting').textContent = String(client.getVariable('greeting', 'Welcome to Acme Projects!'));
	$('esm-error').textContent = state.error ? `${state.error.name} (${state.error.code}): ${state.error.message}` : '–';
}

async function main() {
	const {user} = await backend('/api/me');
	$('account').textContent = user ? `Logged in as ${user.name} (user ${user.id})` : 'Not logged in: log in on the main page';
	if (!user) {
		const client = createClient(options);
		await client.ready;
		renderState(client);
		$('esm-result').textContent = 'No user: log in on the main page (step 1), then reload this page.';
		return;
	}

	const signed = await backend('/api/signet-identity');
	const metadata = {name: user.name, plan: user.plan};
	// Identifies as part of creating the client; `ready` settles once that call has.
	const client = createClient({...options, user: {id: signed.userId, metadata, hash: signed.hash}});
	client.on('identified', (result) => {
		$('esm-result').textContent = compactJson(result);
		renderState(client);
	});
	await client.ready;
	renderState(client);
	if (client.getIdentity().status !== 'verified') {
		$('esm-result').textContent = 'Not verified: see the error above.';
	}

	$('esm-update').disabled = false;
	$('esm-update').addEventListener('click', async () => {
		try {
			// Uses the session from the verified identify: no new hash needed.
			const result = await client.updateUser({theme: 'dark'});
			show('esm-update-result', 'good', `Resolved: verified ${result.verified}, the user's metadata now has theme "dark".`);
		} catch (error) {
			show('esm-update-result', 'bad', `${error.name} (${error.code}): ${error.message}`);
		}
	});

	$('esm-isolated').disabled = false;
	$('esm-isolated').addEventListener('click', async () => {
		const other = createClient({...options, storage: {local: null, session: null}});
		const tampered = signed.hash.slice(0, -1) + ((parseInt(signed.hash.slice(-1), 16) + 1) % 16).toString(16);
		try {
			await other.identifyUser(signed.userId, metadata, {hash: tampered});
			show('esm-isolated-result', 'bad', 'Unexpected: the tampered hash was accepted.');
		} catch (error) {
			const expected = error instanceof IdentityVerificationError;
			show('esm-isolated-result', expected ? 'good' : 'bad', `Second client: ${error.name} (${error.code}), status ${other.getIdentity().status}. First client: status ${client.getIdentity().status}.`);
		}

		renderState(client);
	});
}

main().catch((error) => {
	$('esm-result').textContent = `The page could not start: ${error.message}`;
});

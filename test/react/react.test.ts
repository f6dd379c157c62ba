// @vitest-environment jsdom
// signet-js/react with React Testing Library, against the reference API on
// loopback (through the fault server, which counts requests).
import {act, cleanup, render, screen, waitFor} from '@testing-library/react';
import {createElement as h, StrictMode, type ReactNode} from 'react';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {SignetProvider, useIdentity, useSignet, useVariable} from '../../src/react/index';
import {clientOf, ENFORCE, freshPage, sign, startApi} from '../browser/helpers';

const api = await startApi();

beforeEach(() => {
	freshPage(api.faults);
	vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	cleanup();
	vi.restoreAllMocks();
});

const options = () => ({clientToken: ENFORCE, apiHost: api.url, timeoutMs: 5000, retries: 1});

function Status(): ReactNode {
	const {status, userId} = useIdentity();
	const greeting = useVariable('greeting', 'Welcome!');
	return h('p', {'data-testid': 'status'}, `${status} ${userId ?? '-'} ${greeting}`);
}

// Identifies once, as an app would after its login, with what the server signed.
function Identify({userId, hash}: {userId: string; hash: string}): ReactNode {
	const signet = useSignet();
	return h('button', {onClick: () => signet.identifyUser(userId, {plan: 'pro'}, {hash}).catch(() => {})}, 'identify');
}

const text = () => screen.getByTestId('status').textContent;

describe('SignetProvider and the hooks', () => {
	it('renders the anonymous state and the fallback, then the verified user and the variable after identify', async () => {
		const {hash} = sign('r1');
		render(h(SignetProvider, {options: options()}, h(Status), h(Identify, {userId: 'r1', hash})));
		expect(text()).toBe('anonymous - Welcome!');

		await act(async () => screen.getByRole('button').click());
		await waitFor(() => expect(text()).toBe('verified r1 hi r1'));
		expect(api.faults.requests.map((request) => request.path)).toEqual(['/v1/identify']);
	});

	it('shows rejected and the fallbacks for a tampered hash', async () => {
		const {hash} = sign('r2');
		const tampered = (hash[0] === 'a' ? 'b' : 'a') + hash.slice(1);
		render(h(SignetProvider, {options: options()}, h(Status), h(Identify, {userId: 'r2', hash: tampered})));

		await act(async () => screen.getByRole('button').click());
		await waitFor(() => expect(text()).toBe('rejected - Welcome!'));
	});

	it('shows every change of state: pending while the call is out, anonymous again after logout', async () => {
		const {hash} = sign('r3');
		const client = clientOf(api);
		const seen: string[] = [];
		function Recorder(): ReactNode {
			const {status} = useIdentity();
			if (seen.at(-1) !== status) {
				seen.push(status);
			}

			return null;
		}

		render(h(SignetProvider, {client}, h(Recorder)));
		await act(async () => {
			await client.identifyUser('r3', {}, {hash});
		});
		await act(async () => {
			await client.logout();
		});
		expect(seen).toEqual(['anonymous', 'pending', 'verified', 'anonymous']);
	});

	it('makes one client and sends one identify under StrictMode, whose effects run twice', async () => {
		const {hash} = sign('r4');
		const clients = new Set<unknown>();
		function Spy(): ReactNode {
			clients.add(useSignet());
			return null;
		}

		render(h(StrictMode, null, h(SignetProvider, {options: {...options(), user: {id: 'r4', hash}}}, h(Status), h(Spy))));
		await waitFor(() => expect(text()).toBe('verified r4 hi r4'));
		expect(clients.size).toBe(1);
		expect(api.faults.requests.map((request) => request.path)).toEqual(['/v1/identify']);
	});

	it('answers useSignet() outside a provider with an error that names the provider', () => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		expect(() => render(h(Status))).toThrow(/SignetProvider/);
	});
});


// @vitest-environment jsdom
// The React hooks follow another tab (SPEC §4 "Tabs of one browser
// agree"): a logout in another tab of the same client token re-renders the
// tree with the anonymous state and the fallbacks. The other tab is a
// second client of the token in this window, as in test/browser/tabs.test.ts.
import {act, cleanup, render, screen, waitFor} from '@testing-library/react';
import {createElement as h, type ReactNode} from 'react';
import {afterEach, beforeEach, expect, it, vi} from 'vitest';
import {SignetProvider, useIdentity, useVariable} from '../../src/react/index';
import {clientOf, freshPage, sign, startApi} from '../browser/helpers';

const api = await startApi();

beforeEach(() => {
	freshPage(api.faults);
	vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	cleanup();
	vi.restoreAllMocks();
});

function Status(): ReactNode {
	const {status, userId} = useIdentity();
	const greeting = useVariable('greeting', 'Welcome!');
	return h('p', {'data-testid': 'status'}, `${status} ${userId ?? '-'} ${greeting}`);
}

const text = () => screen.getByTestId('status').textContent;

it('re-renders with the anonymous state and the fallback when another tab logs out', async () => {
	const mine = clientOf(api, {storage: {session: null}});
	const otherTab = clientOf(api, {storage: {session: null}});
	render(h(SignetProvider, {client: mine}, h(Status)));
	await act(async () => {
		await mine.identifyUser('rt1', {}, sign('rt1'));
		await otherTab.identifyUser('rt1', {}, sign('rt1'));
	});
	expect(text()).toBe('verified rt1 hi rt1');

	await act(() => otherTab.logout());
	await waitFor(() => expect(text()).toBe('anonymous - Welcome!'));
});

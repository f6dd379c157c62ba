// @vitest-environment node
// signet-js/react under server-side rendering: no window, no storage, no
// effects. The tree renders the anonymous state and the fallbacks.
import {createElement as h, type ReactNode} from 'react';
import {renderToString} from 'react-dom/server';
import {describe, expect, it} from 'vitest';
import {SignetProvider, useIdentity, useSignet, useVariable} from '../../src/react/index';

function Page(): ReactNode {
	const {status, userId, anonymousId} = useIdentity();
	const greeting = useVariable('greeting', 'Welcome!');
	// The client is there to be called from effects and handlers.
	const signet = useSignet();
	return h('p', null, `${status} ${userId ?? '-'} [${anonymousId}] ${greeting} ${typeof signet.identifyUser}`);
}

describe('server-side rendering', () => {
	it('renders the anonymous state and the fallbacks, and throws nothing', () => {
		expect(typeof window).toBe('undefined');
		const html = renderToString(h(SignetProvider, {options: {clientToken: 'ct_ssr', apiHost: 'https://api.example.com', user: {id: '42', hash: 'ab'.repeat(32)}}}, h(Page)));
		expect(html).toBe('<p>anonymous - [] Welcome! function</p>');
	});
});

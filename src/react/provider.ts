// One client for the tree: made once (React may call the initialiser twice
// in StrictMode, but createClient() without options does nothing at all),
// and started once, in an effect, so that server-side rendering never
// touches the network or a browser global.
import { createElement, useEffect, useState, type ReactNode } from 'react';
import { createClient, type Client, type InitOptions } from 'signet-js';
import { SignetContext } from './context';

/** Props of {@link SignetProvider}: `options` to make a client, or `client` to share one you made. */
export type SignetProviderProps = {
	/** The components that use Signet. */
	children?: ReactNode;
} & (
	| {
			/** Options of the client the provider makes and starts with `init(options)`, once. */
			options: InitOptions;
			client?: undefined;
	  }
	| {
			/** A client you made with `createClient()` (and started yourself); the provider only shares it. */
			client: Client;
			options?: undefined;
	  }
);

// Clients already started: StrictMode runs every effect twice, and a
// second init must not send a second identify.
const started = new WeakSet<Client>();

/**
 * Makes one Signet client for its tree (or shares `client`), and starts it
 * with `init(options)` after the first render. Under server-side
 * rendering nothing is started: the tree renders the anonymous state.
 *
 * @example
 * <SignetProvider options={{clientToken: 'ct_live_123', apiHost: 'https://api.example.com'}}>
 * 	<App />
 * </SignetProvider>
 */
export function SignetProvider(props: SignetProviderProps): ReactNode {
	const [client] = useState(() => props.client ?? createClient());
	const {options} = props;
	useEffect(() => {
		if (options && !started.has(client)) {
			started.add(client);
			// A failure is in the state (useIdentity) and the events, not here.
			client.init(options).catch(() => {});
		}
		// The options are read once, as createClient reads them: a new object on every render changes nothing.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [client]);
	return createElement(SignetContext.Provider, {value: client}, props.children);
}

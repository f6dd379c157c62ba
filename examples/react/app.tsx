// A React page with Signet: the same identify flow as the demo site. The
// page asks its backend for the signed identity of the logged-in user and
// hands it to Signet; the widget shows the personalised greeting once the
// API has verified the hash, and the fallbacks otherwise (?tamper=1 changes
// one character of the hash to show that). The page names no user: the
// backend signs the one its session says is logged in, so an endpoint that
// signed an id from the page would let anyone sign as anyone. Bundle it
// with esbuild:
//   npx esbuild examples/react/app.tsx --bundle --jsx=automatic --outfile=react.js
import {useEffect} from 'react';
import {createRoot} from 'react-dom/client';
import {SignetProvider, useIdentity, useSignet, useVariable} from 'signet-js/react';

// The page's settings come from its <meta> tags, written by its server.
const meta = (name: string) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';

function Widget({tamper}: {tamper: boolean}) {
	const signet = useSignet();
	const {status, error} = useIdentity();
	const greeting = useVariable('greeting', 'Welcome!');
	const plan = useVariable('plan', 'free');
	useEffect(() => {
		// Your backend signs the user of its session (signIdentity from signet-js/server), with the
		// session cookie the browser sends; it answers 401 when nobody is logged in.
		fetch(meta('signet-sign-url'), {credentials: 'same-origin'})
			.then((response) => {
				if (!response.ok) throw new Error(`not signed: ${response.status}`);
				return response.json() as Promise<{userId: string; hash: string; expiration?: string}>;
			})
			.then(({userId, hash, expiration}) => {
				const sent = tamper ? (hash[0] === 'a' ? 'b' : 'a') + hash.slice(1) : hash;
				return signet.identifyUser(userId, {page: 'react'}, {hash: sent, expiration});
			})
			// A refusal is in useIdentity() (status 'rejected'); logged out, the visitor stays anonymous.
			// Either way the page goes on with the fallbacks.
			.catch(() => {});
	}, [signet, tamper]);
	return (
		<section>
			<p id="status">{status}</p>
			<p id="greeting">{greeting}</p>
			<p id="plan">{plan}</p>
			{error ? <p id="error">{error.code}</p> : null}
		</section>
	);
}

const query = new URLSearchParams(location.search);
createRoot(document.getElementById('root')!).render(
	<SignetProvider options={{clientToken: meta('signet-client-token'), apiHost: meta('signet-api-host')}}>
		<Widget tamper={query.has('tamper')} />
	</SignetProvider>,
);

/** @jsxImportSource preact */
// The client's public token, and what to paste in the pages, filled in with it.
import {pageSnippets} from './snippets';
import type {Client} from './types';
import {CodeBlock, CopyButton} from './ui';

/**
 * The public client token and the page snippets filled in with it.
 *
 * @example
 * <Setup client={client} />
 */
export function Setup({client}: {client: Client}) {
	// The API's address is the console's, without …/console.
	const apiHost = new URL('.', document.baseURI).href.replace(/\/$/, '');
	return (
		<section aria-labelledby="setup-title">
			<h3 id="setup-title">Set up</h3>
			<p>
				Client token (public: it goes in your pages): <code class="token">{client.token}</code> <CopyButton text={client.token} label="Copy client token" />
			</p>
			<p>Allowed origins: {client.allowedOrigins.length === 0 ? 'none yet' : client.allowedOrigins.join(', ')}</p>
			{pageSnippets(client.token, apiHost).map(({label, code}) => (
				<div key={label}>
					<h4>{label === 'npm' ? 'With npm' : `With a ${label}`}</h4>
					<CodeBlock code={code} label={`${label} snippet`} />
				</div>
			))}
		</section>
	);
}

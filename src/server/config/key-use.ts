// Rules that span a configuration's clients, about what each key is for.
// A key has one use (SPEC §3): a string that verifies hashes for one client
// (or names a retired hash key) must verify no token for any client, or a
// hash of a user id shaped like `header.payload` would be an HS256 token.
import type {Client} from './client';

/**
 * Throws a `TypeError` naming the client when a token secret of any client
 * is also a hash key (active or retired) of any client: a key has one use.
 *
 * @example
 * checkOneUsePerKey(settings.clients) // throws for {ct_shop: {secrets: [k]}, ct_blog: {tokenSecrets: [k]}}
 */
export function checkOneUsePerKey(clients: Map<string, Client>): void {
	const hashKeys = new Map<string, string>();
	for (const client of clients.values()) {
		[...client.secrets, ...client.retiredSecrets].forEach((key) => hashKeys.set(key, client.token));
	}

	for (const client of clients.values()) {
		const hashClient = client.tokenKeys.tokenSecrets?.map((key) => hashKeys.get(key)).find((token) => token !== undefined);
		if (hashClient !== undefined) {
			const where = hashClient === client.token ? 'its own secrets' : `the secrets of clients[${JSON.stringify(hashClient)}]`;
			throw new TypeError(
				`clients[${JSON.stringify(client.token)}].tokenSecrets holds a key that is also in ${where}: a key has one use. A hash key that also verified tokens would let anyone whose chosen user id your backend signs forge a token for any user; give tokens a key of their own`,
			);
		}
	}
}

// Shorter hash keys than this are warned about at start-up (never refused:
// a key in use cannot be changed overnight): 32 characters of a random key
// carry far more than the 128 bits HMAC needs; a word or a short password does not.
const MIN_SECRET_LENGTH = 32;

/**
 * Emits a process warning (`SIGNET_SHORT_KEY`) when a client has a hash or
 * token key shorter than 32 characters; it names the client, never the key.
 *
 * @example
 * settings.clients.forEach(warnOfShortKeys);
 */
export function warnOfShortKeys(client: Client): void {
	const short = [...client.secrets, ...(client.tokenKeys.tokenSecrets ?? [])].some((key) => key.length < MIN_SECRET_LENGTH);
	if (short) {
		process.emitWarning(`clients[${JSON.stringify(client.token)}] has a key shorter than ${MIN_SECRET_LENGTH} characters: use a random key, such as randomBytes(32).toString('base64url')`, {
			code: 'SIGNET_SHORT_KEY',
		});
	}
}

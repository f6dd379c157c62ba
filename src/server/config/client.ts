// One client of the configuration, checked: its keys, its origins, its
// enforcement, in the form the handler reads on every call.
import {keyId, secretList} from '../verify/secrets';
import {publicKeyText, type TokenKeys, tokenKeyring} from '../verify/token-keys';
import {MIN_ADMIN_KEY_LENGTH} from './defaults';
import {originFrom} from './origins';
import type {ClientConfig, Variables} from './types';

/** A client as the handler uses it: checked, with its origins normalised. */
export type Client = {
	token: string;
	/** The hash keys: they verify hashes only. */
	secrets: string[];
	/** `secrets` as their UTF-8 bytes, the HMAC keys: made once, not per call. */
	secretKeys: Uint8Array[];
	/** The fingerprint of each key in `secrets` (a hash's `keyIndex` picks one): what sessions record. */
	hashKeyIds: string[];
	/** The fingerprint of each key in `tokenSecrets`, then in `publicKeys` (a token's `keyIndex` picks one). */
	tokenKeyIds: string[];
	/** Both lists of fingerprints: a session whose key is in neither was opened by a key since removed. */
	keyIds: Set<string>;
	/** The keys identity tokens are checked with: one object per client, so its imported keys are cached. */
	tokenKeys: TokenKeys;
	enforce: boolean;
	origins: Set<string>;
	variables?: (userId: string) => Variables | Promise<Variables>;
	retiredSecrets: string[];
	adminKey?: string;
	/** Where the client comes from: the configuration (read-only), or the control plane's registry. */
	source: 'config' | 'registry';
	/** Told which key (its session fingerprint) verified a call: a registry client's `lastUsedAt`. */
	keyUsed: ((keyId: string) => void) | undefined;
};

/**
 * Checks one client of the configuration and makes it what the handler
 * uses (keys as bytes and fingerprints, origins normalised). Throws a
 * `TypeError` naming the setting, never a key.
 *
 * @example
 * clientFrom('ct_demo', {secrets: [process.env.SIGNET_SECRET]}).hashKeyIds // one 16-character fingerprint
 */
export function clientFrom(token: string, client: ClientConfig, source: Client['source'] = 'config'): Client {
	const name = `clients[${JSON.stringify(token)}]`;
	if (token === '') {
		throw new TypeError('a client token must not be empty');
	}

	if (client === null || typeof client !== 'object') {
		throw new TypeError(`${name} must be an object with its keys (secrets, tokenSecrets or publicKeys)`);
	}

	const {publicKeys = [], enforce = false, allowedOrigins = [], variables, retiredSecrets = [], adminKey} = client;
	if (!Array.isArray(publicKeys)) {
		throw new TypeError(`${name}.publicKeys must be a list of public JWKs`);
	}

	const secrets = keyList(client.secrets, `${name}.secrets`, "the client's hash keys, newest last");
	const tokenSecrets = keyList(client.tokenSecrets, `${name}.tokenSecrets`, "the client's HS256 token keys, newest last");
	// A registry client may have no key yet: every identify is then unverified.
	if (source === 'config' && secrets.length + tokenSecrets.length + publicKeys.length === 0) {
		throw new TypeError(`${name} must have at least one key: secrets (hashes), tokenSecrets or publicKeys (identity tokens)`);
	}

	if (typeof enforce !== 'boolean') {
		throw new TypeError(`${name}.enforce must be true or false`);
	}

	if (!Array.isArray(allowedOrigins)) {
		throw new TypeError(`${name}.allowedOrigins must be a list of origins such as https://app.example.com`);
	}

	if (variables !== undefined && typeof variables !== 'function') {
		throw new TypeError(`${name}.variables must be a function of the user id`);
	}

	const tokenKeys = Object.freeze({tokenSecrets, publicKeys: [...publicKeys]});
	if (tokenSecrets.length + publicKeys.length > 0) {
		try {
			// Checked (and imported) now, so a wrong key fails at start-up.
			void tokenKeyring(tokenKeys);
		} catch (error) {
			throw new TypeError(`${name}.${(error as Error).message}`);
		}
	}

	const retired = retiredKeys(retiredSecrets, secrets, `${name}.retiredSecrets`);
	if (adminKey !== undefined && (typeof adminKey !== 'string' || adminKey.length < MIN_ADMIN_KEY_LENGTH)) {
		throw new TypeError(`${name}.adminKey must be a string of at least ${MIN_ADMIN_KEY_LENGTH} characters (a random key, not a password)`);
	}

	if (adminKey !== undefined && [...secrets, ...tokenSecrets, ...retired].includes(adminKey)) {
		// The admin key travels in a header to whoever reads the report; a
		// signing key must stay on the backend that signs.
		throw new TypeError(`${name}.adminKey must not be one of the client's signing keys`);
	}

	const hashKeyIds = secrets.map((key) => keyId(key));
	const tokenKeyIds = [...tokenSecrets.map((key) => keyId(key)), ...publicKeys.map((jwk) => keyId(publicKeyText(jwk)))];
	return {
		token,
		secrets,
		secretKeys: secrets.map((key) => Buffer.from(key, 'utf8')),
		hashKeyIds,
		tokenKeyIds,
		keyIds: new Set([...hashKeyIds, ...tokenKeyIds]),
		tokenKeys,
		enforce,
		origins: new Set(allowedOrigins.map((origin) => originFrom(origin, `${name}.allowedOrigins`))),
		variables,
		retiredSecrets: retired,
		adminKey,
		source,
		// Set by the control plane for its clients; here too, so every client has one shape.
		keyUsed: undefined,
	};
}

// A list of keys that may be empty or left out; each key a non-empty string.
function keyList(keys: unknown, name: string, what: string): string[] {
	if (keys === undefined) {
		return [];
	}

	if (!Array.isArray(keys) && typeof keys !== 'string') {
		throw new TypeError(`${name} must list ${what}`);
	}

	return Array.isArray(keys) && keys.length === 0 ? [] : [...secretList(keys, name)];
}

function retiredKeys(retiredSecrets: unknown, active: string[], name: string): string[] {
	if (!Array.isArray(retiredSecrets)) {
		throw new TypeError(`${name} must be a list of keys no longer used for signing`);
	}

	// An empty list is fine here (nothing retired yet); secretList checks each key.
	const retired = retiredSecrets.length === 0 ? [] : secretList(retiredSecrets, name);
	if (retired.some((key) => active.includes(key))) {
		throw new TypeError(`${name} must not hold a key that is still in secrets: a retired key never verifies`);
	}

	return [...retired];
}

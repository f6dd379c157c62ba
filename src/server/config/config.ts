import {MemoryStore} from '../store/memory-store';
import {guardStore} from '../store/store-failure';
import {keyId, secretList} from '../verify/secrets';
import type {IdentityStore} from '../store/store';
import {publicKeyText, type PublicJwk, type TokenKeys, tokenKeyring} from '../verify/token-keys';

/** What a client's `variables` callback answers: the personalised values a verified user gets. */
export type Variables = Record<string, unknown>;

/** One client of the reference API, keyed by its public client token. */
export type ClientConfig = {
	/**
	 * Active hash keys, newest last: during a rotation list both. They
	 * verify hashes only, never an identity token (see `tokenSecrets`). May
	 * be left out when the client verifies tokens only.
	 * @default []
	 */
	secrets?: string[];
	/**
	 * Active HS256 token keys, newest last: they verify identity tokens
	 * only, never a hash. A key has one use: a hash your backend signs for
	 * a user id someone chose (`header.payload` of a JWS) would otherwise
	 * be a valid token for any user. None may also be in `secrets` or
	 * `retiredSecrets`, of this client or another.
	 * @default []
	 */
	tokenSecrets?: string[];
	/**
	 * Public keys (JWKs: EC P-256, OKP Ed25519 or RSA, each with an optional
	 * `kid`) that verify identity tokens signed ES256, EdDSA or RS256 by the
	 * customer's own private key, which the API never holds. A JWK with
	 * private parts (`d`) is refused at start-up.
	 * @default []
	 */
	publicKeys?: PublicJwk[];
	/**
	 * Refuse (403) identify calls whose hash is missing, wrong or expired.
	 * Off, the API answers 200 with `verified: false` and says in
	 * `verification` what it would refuse: turn it on once that is quiet.
	 * @default false
	 */
	enforce?: boolean;
	/**
	 * Page origins allowed to read the API's answers (CORS), such as
	 * `https://app.example.com`.
	 * @default []
	 */
	allowedOrigins?: string[];
	/** The personalised values of a verified user. Called only for verified calls. */
	variables?: (userId: string) => Variables | Promise<Variables>;
	/**
	 * Hash keys taken out of `secrets` after a rotation, kept only to name the
	 * mistake (hint `retired_key`) when a backend still signs with one. A
	 * retired key never verifies anything.
	 * @default []
	 */
	retiredSecrets?: string[];
	/**
	 * The key that reads this client's readiness report
	 * (`GET /v1/readiness` with `Authorization: Bearer <adminKey>`): at
	 * least 16 characters, and none of the signing keys. Without it the
	 * report answers 401. `undefined` (an unset environment variable) is the same as none.
	 */
	adminKey?: string | undefined;
};

/** The configuration of {@link createIdentityHandler}. */
export type IdentityHandlerConfig = {
	clients: Record<string, ClientConfig>;
	/** @default new MemoryStore() */
	store?: IdentityStore;
	/**
	 * Calls allowed in each window (aligned: windows start at multiples of
	 * `windowMs`), counted in the store so that every instance shares them;
	 * retries answered from memory do not count. Over any of them the API
	 * answers 429 `rate_limited` with `Retry-After`. `Infinity` turns one off.
	 *
	 * - `max`: per (client token, anonymous id), every route.
	 * - `perUser`: per (client token, user id), for identify calls that do
	 *   not verify only, so nobody can lock a real (verified) user out by
	 *   flooding their user id, while a flood of unsigned calls for one user
	 *   from many visitors meets a 429.
	 * - `perIp`: per client IP (`info.clientIp`, which the node adapter fills
	 *   in), every route; generous, as many people can share an address.
	 *
	 * A field left out takes its default.
	 * @default {max: 120, windowMs: 60_000, perUser: 60, perIp: 1_200}
	 */
	rateLimit?: Partial<RateLimits>;
	/**
	 * How long answers are remembered for retries of the same call.
	 * @default 86_400_000 (24 hours)
	 */
	replyTtlMs?: number;
	/** The clock, for expirations, sessions and rate limits. @default () => new Date() */
	now?: () => Date;
	/** Receives one line per answer. A line never holds a hash, a secret or a session token. */
	log?: (line: string) => void;
	/**
	 * The caller's IP address, for the per-IP rate limits (identify calls,
	 * and readiness attempts, so that guesses from one address never lock
	 * out the admin at another), when the handler is called as a plain
	 * Fetch handler: behind your platform's proxy, read the header it sets.
	 * Not called for requests that come with an IP already (`toNodeListener`
	 * and `startServer` give the socket's, or `info.clientIp`). Without
	 * either, per-IP limits are off and the handler warns once.
	 * @default undefined
	 * @example
	 * clientIp: (request) => request.headers.get('cf-connecting-ip') ?? undefined
	 */
	clientIp?: (request: Request) => string | undefined;
	/**
	 * How long a session lives; never longer than the hash's own expiration
	 * (plus the clock skew) when it has one.
	 * @default 43_200_000 (12 hours)
	 */
	sessionTtlMs?: number;
};

/** The rate limits of {@link IdentityHandlerConfig.rateLimit}, every field set. */
export type RateLimits = {max: number; windowMs: number; perUser: number; perIp: number};

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
};

/** The configuration once checked, with every default filled in. */
export type Settings = {
	clients: Map<string, Client>;
	/** Every client's origins: for answers that cannot be tied to one client (preflight, unreadable body). */
	origins: Set<string>;
	store: IdentityStore;
	rateLimit: RateLimits;
	now: () => Date;
	log: (line: string) => void;
	sessionTtlMs: number;
	replyTtlMs: number;
};

/**
 * The rate limits when none are configured, per minute: 120 calls per
 * visitor (far above what one page sends, low enough to stop a loop), 60
 * unverified identify calls per user id, and 1,200 calls per IP address.
 * `Infinity` turns one off.
 *
 * @example
 * createIdentityHandler({clients, rateLimit: {perIp: Infinity}}); // behind a proxy that already limits by IP
 */
export const DEFAULT_RATE_LIMIT: Readonly<RateLimits> = Object.freeze({max: 120, windowMs: 60_000, perUser: 60, perIp: 1_200});

/**
 * How long answers are remembered for retries when `replyTtlMs` is not set: 24 hours.
 *
 * @example
 * createIdentityHandler({clients, replyTtlMs: DEFAULT_REPLY_TTL_MS / 24});
 */
export const DEFAULT_REPLY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long a session lives when `sessionTtlMs` is not set: 12 hours.
 *
 * @example
 * createIdentityHandler({clients, sessionTtlMs: DEFAULT_SESSION_TTL_MS / 2});
 */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** The methods a store must have: checked at start-up, guarded on every call (store-failure.ts). @example STORE_METHODS.includes('mergeUser') */
export const STORE_METHODS = [
	'getUser',
	'mergeUser',
	'getSession',
	'putSession',
	'deleteSession',
	'deleteSessions',
	'claimReply',
	'finishReply',
	'releaseReply',
	'countCalls',
	'recordOutcome',
	'readiness',
	'sweep',
] as const;

/** Store methods the handler uses when a store has them, and does without otherwise. @example OPTIONAL_STORE_METHODS.includes('applyIdentify') */
export const OPTIONAL_STORE_METHODS = ['applyIdentify'] as const;

/**
 * Checks a handler configuration once, at creation, so a mistake (a client
 * without keys, a misspelt origin) fails at start-up and not on the first
 * user. Throws a `TypeError` naming the setting; never includes a key.
 *
 * @example
 * settingsFrom({clients: {ct_demo: {secrets: []}}}) // throws: clients["ct_demo"].secrets must list at least one private key
 */
export function settingsFrom(config: IdentityHandlerConfig): Settings {
	if (config === null || typeof config !== 'object') {
		throw new TypeError('createIdentityHandler needs a configuration object with clients');
	}

	const {clients, store = new MemoryStore(), rateLimit = {}, now, log, sessionTtlMs = DEFAULT_SESSION_TTL_MS, replyTtlMs = DEFAULT_REPLY_TTL_MS} = config;
	if (clients === null || typeof clients !== 'object' || Object.keys(clients).length === 0) {
		throw new TypeError('clients must map at least one client token to its settings');
	}

	const settings: Settings = {
		clients: new Map(),
		origins: new Set(),
		store,
		rateLimit: {...DEFAULT_RATE_LIMIT, ...rateLimit},
		now: now ?? (() => new Date()),
		log: log ?? (() => {}),
		sessionTtlMs,
		replyTtlMs,
	};
	for (const [token, client] of Object.entries(clients)) {
		const entry = clientFrom(token, client);
		settings.clients.set(token, entry);
		entry.origins.forEach((origin) => settings.origins.add(origin));
	}

	checkOneUsePerKey(settings.clients);
	settings.clients.forEach(warnOfShortKeys);

	if (store === null || typeof store !== 'object' || STORE_METHODS.some((method) => typeof store[method] !== 'function')) {
		throw new TypeError(`store must implement IdentityStore: ${STORE_METHODS.join(', ')}`);
	}

	// A store that fails is told apart from a bug: 503, and the SDK retries.
	settings.store = guardStore(store, [...STORE_METHODS, ...OPTIONAL_STORE_METHODS.filter((method) => typeof (store as IdentityStore)[method] === 'function')]);

	const limits = settings.rateLimit;
	if (rateLimit === null || typeof rateLimit !== 'object' || ![limits.max, limits.perUser, limits.perIp, limits.windowMs].every((value) => typeof value === 'number' && value > 0)) {
		throw new TypeError('rateLimit must be {max, windowMs, perUser, perIp}, each a number above 0 (Infinity turns a limit off)');
	}

	if (!Number.isFinite(limits.windowMs)) {
		throw new TypeError('rateLimit.windowMs must be a finite number of milliseconds');
	}

	if (now !== undefined && typeof now !== 'function') {
		throw new TypeError('now must be a function answering a Date');
	}

	if (log !== undefined && typeof log !== 'function') {
		throw new TypeError('log must be a function taking one line of text');
	}

	for (const [name, value] of [['sessionTtlMs', sessionTtlMs], ['replyTtlMs', replyTtlMs]] as const) {
		if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
			throw new TypeError(`${name} must be a number of milliseconds above 0`);
		}
	}

	return settings;
}

function clientFrom(token: string, client: ClientConfig): Client {
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
	if (secrets.length + tokenSecrets.length + publicKeys.length === 0) {
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

// A key has one use (SPEC §3): a string that verifies hashes for one client
// (or names a retired hash key) must verify no token for any client, or a
// hash of a user id shaped like `header.payload` would be an HS256 token.
function checkOneUsePerKey(clients: Map<string, Client>): void {
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

function warnOfShortKeys(client: Client): void {
	const short = [...client.secrets, ...(client.tokenKeys.tokenSecrets ?? [])].some((key) => key.length < MIN_SECRET_LENGTH);
	if (short) {
		process.emitWarning(`clients[${JSON.stringify(client.token)}] has a key shorter than ${MIN_SECRET_LENGTH} characters: use a random key, such as randomBytes(32).toString('base64url')`, {
			code: 'SIGNET_SHORT_KEY',
		});
	}
}

/**
 * The shortest `adminKey` a client may have: long enough that guessing it
 * within the rate limit is hopeless.
 *
 * @example
 * clients.ct_live.adminKey = randomBytes(24).toString('base64url'); // 32 characters
 */
export const MIN_ADMIN_KEY_LENGTH = 16;

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

// Browsers send the origin as scheme://host[:port], lowercase, without a
// path: normalising here means "https://App.example.com/" matches too.
function originFrom(origin: unknown, name: string): string {
	let url: URL | undefined;
	try {
		url = typeof origin === 'string' ? new URL(origin) : undefined;
	} catch {}

	if (url === undefined || url.origin === 'null' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
		throw new TypeError(`${name} must hold origins such as https://app.example.com (scheme, host and port only), not ${JSON.stringify(origin)}`);
	}

	return url.origin;
}

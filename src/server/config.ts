import {MemoryStore} from './memory-store';
import {secretList} from './secrets';
import type {IdentityStore} from './store';

/** What a client's `variables` callback answers: the personalised values a verified user gets. */
export type Variables = Record<string, unknown>;

/** One client of the reference API, keyed by its public client token. */
export type ClientConfig = {
	/** Active private keys, newest last. During a rotation list both. */
	secrets: string[];
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
	 * Keys taken out of `secrets` after a rotation, kept only to name the
	 * mistake (hint `retired_key`) when a backend still signs with one. A
	 * retired key never verifies anything.
	 * @default []
	 */
	retiredSecrets?: string[];
	/**
	 * The key that reads this client's readiness report
	 * (`GET /v1/readiness` with `Authorization: Bearer <adminKey>`): at
	 * least 16 characters, and none of the signing keys. Without it the
	 * report answers 401.
	 */
	adminKey?: string;
};

/** The configuration of {@link createIdentityHandler}. */
export type IdentityHandlerConfig = {
	clients: Record<string, ClientConfig>;
	/** @default new MemoryStore() */
	store?: IdentityStore;
	/**
	 * Calls allowed per (client token, anonymous id) in each window, for
	 * the three routes together; retries answered from memory do not count.
	 * Over it the API answers 429 with `Retry-After`. `max: Infinity` turns it off.
	 * @default {max: 120, windowMs: 60_000}
	 */
	rateLimit?: {max: number; windowMs: number};
	/** The clock, for expirations, sessions and rate limits. @default () => new Date() */
	now?: () => Date;
	/** Receives one line per answer. A line never holds a hash, a secret or a session token. */
	log?: (line: string) => void;
	/**
	 * How long a session lives; never longer than the hash's own expiration
	 * (plus the clock skew) when it has one.
	 * @default 43_200_000 (12 hours)
	 */
	sessionTtlMs?: number;
};

/** A client as the handler uses it: checked, with its origins normalised. */
export type Client = {
	token: string;
	secrets: string[];
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
	rateLimit: {max: number; windowMs: number};
	now: () => Date;
	log: (line: string) => void;
	sessionTtlMs: number;
};

/**
 * The rate limit when none is configured: 120 calls per visitor per
 * minute, far above what one page sends, low enough to stop a loop.
 * `max: Infinity` turns the limit off.
 *
 * @example
 * createIdentityHandler({clients, rateLimit: {...DEFAULT_RATE_LIMIT, max: 30}});
 */
export const DEFAULT_RATE_LIMIT = {max: 120, windowMs: 60_000};

/**
 * How long a session lives when `sessionTtlMs` is not set: 12 hours.
 *
 * @example
 * createIdentityHandler({clients, sessionTtlMs: DEFAULT_SESSION_TTL_MS / 2});
 */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const STORE_METHODS = ['getUser', 'putUser', 'getSession', 'putSession', 'deleteSession', 'getReply', 'putReply'] as const;

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

	const {clients, store = new MemoryStore(), rateLimit = DEFAULT_RATE_LIMIT, now, log, sessionTtlMs = DEFAULT_SESSION_TTL_MS} = config;
	if (clients === null || typeof clients !== 'object' || Object.keys(clients).length === 0) {
		throw new TypeError('clients must map at least one client token to its settings');
	}

	const settings: Settings = {
		clients: new Map(),
		origins: new Set(),
		store,
		rateLimit: {max: rateLimit?.max, windowMs: rateLimit?.windowMs},
		now: now ?? (() => new Date()),
		log: log ?? (() => {}),
		sessionTtlMs,
	};
	for (const [token, client] of Object.entries(clients)) {
		const entry = clientFrom(token, client);
		settings.clients.set(token, entry);
		entry.origins.forEach((origin) => settings.origins.add(origin));
	}

	if (store === null || typeof store !== 'object' || STORE_METHODS.some((method) => typeof store[method] !== 'function')) {
		throw new TypeError(`store must implement IdentityStore: ${STORE_METHODS.join(', ')}`);
	}

	if (!(rateLimit?.max > 0) || !(rateLimit.windowMs > 0) || !Number.isFinite(rateLimit.windowMs)) {
		throw new TypeError('rateLimit must be {max, windowMs} with both above 0');
	}

	if (now !== undefined && typeof now !== 'function') {
		throw new TypeError('now must be a function answering a Date');
	}

	if (log !== undefined && typeof log !== 'function') {
		throw new TypeError('log must be a function taking one line of text');
	}

	if (typeof sessionTtlMs !== 'number' || !(sessionTtlMs > 0) || !Number.isFinite(sessionTtlMs)) {
		throw new TypeError('sessionTtlMs must be a number of milliseconds above 0');
	}

	return settings;
}

function clientFrom(token: string, client: ClientConfig): Client {
	const name = `clients[${JSON.stringify(token)}]`;
	if (token === '') {
		throw new TypeError('a client token must not be empty');
	}

	if (client === null || typeof client !== 'object') {
		throw new TypeError(`${name} must be an object with secrets`);
	}

	const {secrets, enforce = false, allowedOrigins = [], variables, retiredSecrets = [], adminKey} = client;
	if (!Array.isArray(secrets) && typeof secrets !== 'string') {
		throw new TypeError(`${name}.secrets must list the client's private keys, newest last`);
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

	const active = [...secretList(secrets, `${name}.secrets`)];
	const retired = retiredKeys(retiredSecrets, active, `${name}.retiredSecrets`);
	if (adminKey !== undefined && (typeof adminKey !== 'string' || adminKey.length < MIN_ADMIN_KEY_LENGTH)) {
		throw new TypeError(`${name}.adminKey must be a string of at least ${MIN_ADMIN_KEY_LENGTH} characters (a random key, not a password)`);
	}

	if (adminKey !== undefined && [...active, ...retired].includes(adminKey)) {
		// The admin key travels in a header to whoever reads the report; a
		// signing key must stay on the backend that signs.
		throw new TypeError(`${name}.adminKey must not be one of the client's signing keys`);
	}

	return {
		token,
		secrets: active,
		enforce,
		origins: new Set(allowedOrigins.map((origin) => originFrom(origin, `${name}.allowedOrigins`))),
		variables,
		retiredSecrets: retired,
		adminKey,
	};
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

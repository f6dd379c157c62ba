// The configuration of the reference API as its user writes it: the
// clients, the store, the limits. Checked once, by settingsFrom.
import type {IdentityStore} from '../store/store';
import type {PublicJwk} from '../verify/token-keys';
import type {LogRecord} from './log-record';

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

/** The control plane (SPEC §6): admin routes that change clients, keys and enforcement at runtime. */
export type AdminConfig = {
	/** The owner's credential (role `owner`): at least 32 random characters, from SIGNET_OWNER_KEY. */
	ownerKey: string;
	/**
	 * 32 random bytes in base64 (SIGNET_MASTER_KEY) that seal every secret
	 * key in the store. Required with a store other processes share.
	 * @default a random key for this process, with an in-process store
	 */
	masterKey?: string | undefined;
	/**
	 * How often the process asks the store whether the registry changed.
	 * @default 1000
	 */
	pollMs?: number;
	/**
	 * The personalised values of a verified user of a registry client (a
	 * client of the code has its own `variables`). Called only for verified calls.
	 * @default none: verified users of registry clients get `{}`
	 */
	variables?: (userId: string, clientToken: string) => Variables | Promise<Variables>;
};

/** The configuration of {@link createIdentityHandler}. */
export type IdentityHandlerConfig = {
	/** The clients of the code, keyed by their public client token: read-only through the admin API. May be empty with `admin`. */
	clients: Record<string, ClientConfig>;
	/**
	 * Serves `GET /metrics` (Prometheus text): `true` for any admin
	 * credential of the control plane (the owner key, or a viewer made for
	 * the scraper), or `{bearer}` for one token of its own (16 characters or
	 * more). Without it, /metrics answers 404.
	 * @default undefined
	 */
	metrics?: true | {bearer: string};
	/**
	 * Turns the control plane on: `/v1/admin/*` routes, registry clients kept
	 * in the store beside `clients`. Without it those routes answer 404.
	 * @default undefined
	 */
	admin?: AdminConfig;
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
	/**
	 * Receives one line of JSON per answer and per admin change (SPEC §7),
	 * and the same as a record, for a logger of your own (`pino`'s
	 * `logger[record.level](record)`). Built from named fields only: never a
	 * hash, token, secret, credential or session token.
	 *
	 * @example
	 * log: (line) => process.stdout.write(line + '\n')
	 */
	log?: (line: string, record: LogRecord) => void;
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

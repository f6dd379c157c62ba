import type { IdentityStatus } from './identity';

/**
 * Facts about the user your widget may show: plan, name, company… A plain
 * JSON object under 16 KiB. Typed as any object so that a value typed by
 * an `interface` is accepted; what is not plain JSON (a class instance, a
 * `Date`, a function, `undefined`, `NaN`) is refused at the call with
 * `InvalidArgumentError` (`invalid_metadata`).
 */
export type Metadata = object;

/**
 * What proves the identity: the hash your server signed with `signIdentity`
 * from `signet-js/server`, and its expiration when it has one (the
 * `{hash, expiration}` of `signIdentity`'s result is one, as it is); or
 * instead an identity token from `signIdentityToken` or any JWT library.
 */
export type IdentityProof = {
	/** HMAC-SHA256 of the user id (and expiration), hex or base64. */
	hash?: string | undefined;
	/** When the hash stops being valid. A string is sent verbatim; a `Date` as its `toISOString()`. */
	expiration?: string | Date | undefined;
	/** Instead of a hash: a signed identity token (JWT) whose `sub` is the user id; its `exp` is the expiration. */
	token?: string | undefined;
};

/** The minimal part of the Web Storage API that Signet uses. */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Options of `init()` and `createClient()`. */
export type InitOptions = {
	/** The public client token of your widget project (`ct_…`). Required. */
	clientToken: string;
	/** Base URL of the identity API, e.g. `https://api.example.com`. Required. */
	apiHost: string;
	/** Identify this user as part of `init()`. */
	user?: ({id: string | number; metadata?: Metadata | undefined} & IdentityProof) | undefined;
	/**
	 * Asked for a new hash (or token) when the current one has expired or is
	 * about to. Call your backend, which signs again with `signIdentity` (or
	 * `signIdentityToken`).
	 */
	refreshIdentity?: ((context: {userId: string}) => Promise<(IdentityProof & {hash: string}) | {token: string}>) | undefined;
	/**
	 * Time allowed for one attempt of a request, in milliseconds.
	 * @default 10000
	 */
	timeoutMs?: number | undefined;
	/**
	 * How many times a request is retried after a network failure, a
	 * timeout, 408, 429 or 5xx.
	 * @default 5
	 */
	retries?: number | undefined;
	/**
	 * Log what the SDK does to the console (never the hash).
	 * @default false
	 */
	debug?: boolean | undefined;
	/** The `fetch` to send requests with. @default globalThis.fetch */
	fetch?: typeof fetch | undefined;
	/**
	 * Where the anonymous id (`local`) and the session token (`session`) are
	 * kept. `null` keeps them in memory only.
	 * @default {local: window.localStorage, session: window.sessionStorage}
	 */
	storage?: {local?: StorageLike | null | undefined; session?: StorageLike | null | undefined} | undefined;
};

export type { IdentityStatus };

import type { IdentityStatus } from './identity';

/** Facts about the user your widget may show: plan, name, company… Plain JSON, under 16 KiB. */
export type Metadata = Record<string, unknown>;

/** The signature your server made with `signIdentity` from `signet-js/server`. */
export type Verification = {
	/** HMAC-SHA256 of the user id (and expiration), hex or base64. */
	hash?: string;
	/** When the hash stops being valid. A string is sent verbatim; a `Date` as its `toISOString()`. */
	expiration?: string | Date;
};

/** A fresh signature for `refreshIdentity` to hand back. */
export type FreshVerification = {hash: string; expiration?: string | Date};

/** The minimal part of the Web Storage API that Signet uses. */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Options of `init()` and `createClient()`. */
export type InitOptions = {
	/** The public client token of your widget project (`ct_…`). Required. */
	clientToken: string;
	/** Base URL of the identity API, e.g. `https://api.example.com`. Required. */
	apiHost: string;
	/** Identify this user as part of `init()`. */
	user?: {id: string | number; metadata?: Metadata} & Verification;
	/**
	 * Asked for a new hash when the current one has expired or is about to.
	 * Call your backend, which signs again with `signIdentity`.
	 */
	refreshIdentity?: (context: {userId: string}) => Promise<FreshVerification>;
	/**
	 * Time allowed for one attempt of a request, in milliseconds.
	 * @default 10000
	 */
	timeoutMs?: number;
	/**
	 * How many times a request is retried after a network failure, a
	 * timeout, 408, 429 or 5xx.
	 * @default 5
	 */
	retries?: number;
	/**
	 * Log what the SDK does to the console (never the hash).
	 * @default false
	 */
	debug?: boolean;
	/** The `fetch` to send requests with. @default globalThis.fetch */
	fetch?: typeof fetch;
	/**
	 * Where the anonymous id (`local`) and the session token (`session`) are
	 * kept. `null` keeps them in memory only.
	 * @default {local: window.localStorage, session: window.sessionStorage}
	 */
	storage?: {local?: StorageLike | null; session?: StorageLike | null};
};

export type { IdentityStatus };

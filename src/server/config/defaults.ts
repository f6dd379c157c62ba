// The values the configuration takes when a field is left out.
import type {RateLimits} from './types';

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

/**
 * The shortest `adminKey` a client may have: long enough that guessing it
 * within the rate limit is hopeless.
 *
 * @example
 * clients.ct_live.adminKey = randomBytes(24).toString('base64url'); // 32 characters
 */
export const MIN_ADMIN_KEY_LENGTH = 16;

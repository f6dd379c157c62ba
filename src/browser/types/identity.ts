import type { SignetError } from '../errors/signet-error';
import type { IdentityVerificationError } from '../errors/identity-verification-error';

/** What the API said of an identify call. */
export type IdentityResult = {
	/** The user id as it was sent (a number becomes its decimal string). */
	userId: string;
	/** This browser's anonymous visitor id, now linked to the user. */
	anonymousId: string;
	/** `true` only when the API checked the hash and it was right. */
	verified: boolean;
	/** Personalised variables; `{}` unless verified. */
	variables: Record<string, unknown>;
};

/**
 * - `anonymous`: no user identified (or after logout / a failure before any answer).
 * - `pending`: an identify for a new user is on its way.
 * - `verified`: the API accepted the hash.
 * - `unverified`: monitor mode: stored, but the hash was missing or wrong.
 * - `rejected`: the API refused the identity; the SDK carries on anonymously.
 */
export type IdentityStatus = 'anonymous' | 'pending' | 'verified' | 'unverified' | 'rejected';

/** A snapshot of who the SDK is talking for. */
export type IdentityState = {
	/** Where the identity stands; see {@link IdentityStatus}. */
	status: IdentityStatus;
	/** The user the SDK talks for, or `null` while anonymous (and after a rejection). */
	userId: string | null;
	/** This browser's anonymous visitor id ('' before `init()`). */
	anonymousId: string;
	/** What went wrong with the last call, or `null` after a success. */
	error: SignetError | null;
};

/** Payloads of the events `on()` listens to. */
export type SignetEvents = {
	/** The API accepted an identify (verified, or unverified in monitor mode). */
	identified: IdentityResult;
	/** The API refused the identity; the SDK now carries on anonymously. */
	rejected: IdentityVerificationError;
	/** Any other failure: network, API, a bad argument, `refreshIdentity`. */
	error: SignetError;
	/** The hash is about to expire; `refreshIdentity` is about to be asked for a new one. */
	expiring: {userId: string; expiration: string};
	/** The identity state (what `getIdentity()` answers) or the variables changed; the payload is the new state. */
	change: IdentityState;
	/** Another tab of this browser logged out or signed in someone else: this one forgot its user and is anonymous now. */
	logout: {reason: 'other_tab'};
};

/** The names `on()` accepts. */
export type SignetEvent = keyof SignetEvents;

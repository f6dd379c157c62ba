import type { SignetError } from '../errors/signet-error';
import type { IdentityVerificationError } from '../errors/identity-verification-error';

/** What the API said of an identify call. */
export type IdentityResult = {
	userId: string;
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
	status: IdentityStatus;
	userId: string | null;
	anonymousId: string;
	error: SignetError | null;
};

/** Payloads of the events `on()` listens to. */
export type SignetEvents = {
	identified: IdentityResult;
	rejected: IdentityVerificationError;
	error: SignetError;
	expiring: {userId: string; expiration: string};
};

/** The names `on()` accepts. */
export type SignetEvent = keyof SignetEvents;

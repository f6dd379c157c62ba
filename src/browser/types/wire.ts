// Shapes of the v1 wire protocol, as the browser sends and reads them.
import type { VerificationOutcome } from '../../shared/verification';

export type IdentifyBody = {
	clientToken: string;
	anonymousId: string;
	userId: string;
	metadata?: Record<string, unknown>;
	hash?: string;
	expiration?: string;
	messageId: string;
	sentAt: string;
};

export type UserBody = {
	clientToken: string;
	anonymousId: string;
	metadata?: Record<string, unknown>;
	messageId: string;
	sentAt: string;
};

export type IdentifyAnswer = {
	userId: string;
	anonymousId: string;
	verified: boolean;
	verification: VerificationOutcome;
	variables: Record<string, unknown>;
	session: {token: string; expiresAt: string} | null;
	/** Monitor mode, not `ok`: the signing mistake the API recognised, if any. */
	hint?: string;
	/** Monitor mode, not `ok`: the likely cause in words. */
	message?: string;
	/** Metadata keys not applied because an identity token signed them. */
	ignored?: string[];
};

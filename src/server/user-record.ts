import type {Settings} from './config';
import {MAX_ANONYMOUS_IDS, type UserRecord} from './store';
import type {Verification} from './verify';

/** One applied call, as it changes a user's record. */
export type UserChange = {
	clientToken: string;
	userId: string;
	anonymousId: string;
	metadata?: Record<string, unknown>;
	verification: Verification;
	now: Date;
};

/**
 * Creates or updates the one record of (clientToken, userId): metadata
 * shallow-merged, the anonymous id added to the bounded list, the latest
 * verification kept, `applied` counted up. Idempotency is the caller's
 * business: this applies whatever it is given.
 *
 * @example
 * await applyToUser(settings, {clientToken, userId: '42', anonymousId, metadata: {plan: 'pro'}, verification: 'ok', now});
 */
export async function applyToUser(settings: Settings, change: UserChange): Promise<UserRecord> {
	const {clientToken, userId, anonymousId, metadata = {}, verification, now} = change;
	const time = now.toISOString();
	const previous = await settings.store.getUser(clientToken, userId);
	const anonymousIds = (previous?.anonymousIds ?? []).filter((id) => id !== anonymousId);
	anonymousIds.push(anonymousId);
	const record: UserRecord = {
		clientToken,
		userId,
		// Spread defines own properties (no setters run), so no key can reach a prototype.
		metadata: {...previous?.metadata, ...metadata},
		anonymousIds: anonymousIds.slice(-MAX_ANONYMOUS_IDS),
		verified: verification === 'ok',
		verification,
		createdAt: previous?.createdAt ?? time,
		updatedAt: time,
		applied: (previous?.applied ?? 0) + 1,
	};
	await settings.store.putUser(record);
	return record;
}

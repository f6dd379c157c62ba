import {MAX_METADATA_BYTES} from '../shared/limits';
import type {Settings} from './config';
import {invalid, type Reply} from './reply';
import type {UserChange, UserRecord} from './store';

/** A call applied to a user's record, or the 400 that says why nothing changed. */
export type Applied = {ok: true; record: UserRecord; ignored: string[]} | {ok: false; reply: Reply};

/**
 * Applies one call to the one record of (clientToken, userId) through the
 * store's atomic `mergeUser` (rules in {@link UserChange}): unsigned calls
 * cannot change a verified record, signed keys win, and the merged
 * metadata stays within 16 KiB, past which nothing changes and the answer
 * is a 400 `invalid_request` on `metadata`. Idempotency is the caller's
 * business: this applies whatever it is given.
 *
 * @example
 * const applied = await applyToUser(settings, {clientToken, userId: '42', anonymousId, metadata: {plan: 'pro'}, verification: 'ok', now});
 * if (!applied.ok) return applied.reply;
 */
export async function applyToUser(settings: Settings, change: Omit<UserChange, 'maxMetadataBytes'>): Promise<Applied> {
	const result = await settings.store.mergeUser({...change, maxMetadataBytes: MAX_METADATA_BYTES});
	if (!result.ok) {
		const message = `metadata would make this user's stored metadata larger than ${MAX_METADATA_BYTES} bytes (16 KiB) as JSON: send fewer or smaller keys`;
		return {ok: false, reply: invalid('metadata', message)};
	}

	return result;
}

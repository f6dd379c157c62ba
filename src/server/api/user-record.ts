import {MAX_METADATA_BYTES, MAX_UNVERIFIED_METADATA_BYTES} from '../../shared/limits';
import type {Settings} from '../config/settings';
import {invalid, type Reply} from './reply';
import {isPromise} from '../store/maybe-promise';
import type {IdentifyResult, IdentifyWrite, IdentityStore, MaybePromise, MergeResult, SessionRecord, UserChange, UserRecord} from '../store/store';

/** A call applied to a user's record, or the 400 that says why nothing changed. */
export type Applied = {ok: true; record: UserRecord; ignored: string[]; reused?: SessionRecord} | {ok: false; reply: Reply};

/**
 * Applies one call to the one record of (clientToken, userId) through the
 * store's atomic `mergeUser` (rules in {@link UserChange}): unsigned calls
 * cannot change a verified record, signed keys win, and the merged
 * metadata stays within 16 KiB (4 KiB while the call and the record are
 * unverified), past which nothing changes and the answer is a 400
 * `invalid_request` on `metadata`. Idempotency is the caller's
 * business: this applies whatever it is given. A verified identify passes
 * its outcome and new session too, written with the change in one step
 * when the store has `applyIdentify`; the session is stored only if the
 * change applied.
 *
 * @example
 * const applied = await applyToUser(settings, {clientToken, userId: '42', anonymousId, metadata: {plan: 'pro'}, verification: 'ok', now});
 * if (!applied.ok) return applied.reply;
 * await applyToUser(settings, change, {outcome: {clientToken, userId: '42', code: 'ok', at: now}, session: session.record}); // a verified identify
 */
export function applyToUser(settings: Settings, change: Omit<UserChange, 'maxMetadataBytes'>, verified?: Omit<IdentifyWrite, 'change'>): MaybePromise<Applied> {
	// A literal of one shape (not a spread): the store reads these on every call.
	const {clientToken, userId, anonymousId, metadata, attributes, verification, now} = change;
	// An unverified call can only change a record never verified (rule 1):
	// anyone can make those, one per invented user id, so they are kept small.
	const maxMetadataBytes = verification === 'ok' ? MAX_METADATA_BYTES : MAX_UNVERIFIED_METADATA_BYTES;
	const full: UserChange = {clientToken, userId, anonymousId, metadata, attributes, verification, now, maxMetadataBytes};
	const merging = verified === undefined ? settings.store.mergeUser(full) : writeVerified(settings.store, {outcome: verified.outcome, change: full, session: verified.session, reuseFrom: verified.reuseFrom});
	if (maxMetadataBytes === MAX_METADATA_BYTES) {
		return isPromise(merging) ? merging.then(appliedOf) : appliedOf(merging);
	}

	return isPromise(merging) ? merging.then(unverifiedAppliedOf) : unverifiedAppliedOf(merging);
}

function appliedOf(result: IdentifyResult): Applied {
	if (!result.ok) {
		const message = `metadata would make this user's stored metadata larger than ${MAX_METADATA_BYTES} bytes (16 KiB) as JSON: send fewer or smaller keys`;
		return {ok: false, reply: invalid('metadata', message)};
	}

	return result;
}

function unverifiedAppliedOf(result: MergeResult): Applied {
	if (!result.ok) {
		const message = `metadata would make this unverified user's stored metadata larger than ${MAX_UNVERIFIED_METADATA_BYTES} bytes (4 KiB) as JSON, the limit while a user is not verified (anyone with the client token can write such records): verify the user with a valid hash to store up to ${MAX_METADATA_BYTES} bytes (16 KiB), or send fewer or smaller keys`;
		return {ok: false, reply: invalid('metadata', message)};
	}

	return result;
}

// A verified identify's outcome, change and session: in one step when the
// store can (applyIdentify), else in turn, the session only if the change applied.
function writeVerified(store: IdentityStore, write: IdentifyWrite): MaybePromise<IdentifyResult> {
	return store.applyIdentify === undefined ? writeInTurn(store, write) : store.applyIdentify(write);
}

async function writeInTurn(store: IdentityStore, write: IdentifyWrite): Promise<MergeResult> {
	await store.recordOutcome(write.outcome);
	const result = await store.mergeUser(write.change);
	if (result.ok) {
		await store.putSession(write.session);
	}

	return result;
}

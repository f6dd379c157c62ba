import type {IdentifyCall} from './body';
import type {Client} from '../config/client';
import type {Settings} from '../config/settings';
import type {Variables} from '../config/types';
import {HINT_MESSAGES, type Hint} from '../verify/hints';
import {compoundKey} from '../store/compound-key';
import {isPromise} from '../store/maybe-promise';
import {type Proven, proveIdentity} from './prove';
import {rateLimited} from './rate-limit';
import {errorReply, type Reply, VERIFICATION_MESSAGES} from './reply';
import {newSession, type SessionAnswer, sessionEnd} from './session';
import type {SessionReuse} from './session-reuse';
import {openSharedSession, sealSharedSession} from './shared-session';
import type {Outcome} from '../store/store';
import {applyToUser} from './user-record';
import {variablesFor} from './variables';
import type {VerificationOutcome} from '../../shared/verification';

/** The 200 answer of `/v1/identify` and `/v1/user`. */
export type IdentityAnswer = {
	userId: string;
	anonymousId: string;
	verified: boolean;
	verification: VerificationOutcome;
	variables: Variables;
	session: SessionAnswer | null;
	/** Monitor mode, a failed hash: the signing mistake that explains it (see `Hint`). */
	hint?: Hint;
	/** Monitor mode, not `ok`: the likely cause in words (the hint's, else the code's), for the SDK's console warning. */
	message?: string;
	/** Metadata keys that were not applied: signed ones, or all of an unsigned call on a verified user. */
	ignored?: string[];
};

/**
 * Applies `POST /v1/identify`: verifies the hash or token against the client's
 * keys and records the outcome, refuses it (403) when the client enforces
 * verification, else updates the user's one record and answers whether it
 * was verified. Only a verified call gets variables and a session (the
 * visitor's live one from `sessionReuse` when it holds one, or from a
 * shared store that finds one sealed under the same proof, else a new
 * one); unverified calls also count against the per-user rate limit.
 *
 * @example
 * const reply = await identify(settings, client, call, now, sessionReuse);
 * // {status: 200, body: {userId: '42', verified: true, verification: 'ok', variables: {…}, session: {…}}}
 */
export async function identify(settings: Settings, client: Client, call: IdentifyCall, now: Date, sessionReuse?: SessionReuse): Promise<Reply> {
	const {clientToken, anonymousId, userId, metadata} = call;
	// Each step waits only when the store (or a token, or the variables
	// callback) is really pending: with MemoryStore and a hash, none is.
	const proving = proveIdentity(settings, client, call, now);
	const result = isPromise(proving) ? await proving : proving;
	if (!result.ok) {
		return refuse(settings, client, call, result, now);
	}

	// A registry client notes which key verified (its lastUsedAt, written once a minute).
	client.keyUsed?.(result.keyId);
	const outcome: Outcome = {clientToken, userId, code: 'ok', at: now};
	// Asked before anything is written, so a throwing callback leaves no
	// half-applied call behind for the retry to apply again.
	const asking = variablesFor(client, userId);
	const variables = isPromise(asking) ? await asking : asking;
	const owner = {clientToken, userId, anonymousId, keyId: result.keyId};
	const {validUntil, attributes} = result;
	// The visitor's live session for this user, when the store is in process (see SessionReuse); else a new one.
	const finding = sessionReuse?.find(settings.store, owner, now, sessionEnd(settings, now, validUntil));
	const reused = isPromise(finding) ? await finding : finding;
	const opened = reused === undefined ? newSession(settings, owner, now, validUntil) : undefined;
	// A store others can read: the visitor's live session is found there, by the proof (see shared-session.ts).
	const proof = sessionReuse === undefined ? (call.token ?? call.hash) : undefined;
	const sealKey = opened !== undefined && proof !== undefined ? sealSharedSession(opened, proof, owner) : undefined;
	if (reused !== undefined) {
		// Written with the session otherwise; here there is no session to write.
		const recording = settings.store.recordOutcome(outcome);
		if (isPromise(recording)) {
			await recording;
		}
	}

	// Only a verified token's attributes are signed: they win over metadata.
	const reuseFrom = sealKey && new Date(now.getTime() + settings.sessionTtlMs / 2).toISOString();
	const applying = applyToUser(settings, {clientToken, userId, anonymousId, metadata, attributes, verification: 'ok', now}, opened && {outcome, session: opened.record, reuseFrom});
	const applied = isPromise(applying) ? await applying : applying;
	if (!applied.ok) {
		return applied.reply;
	}

	let session = reused ?? opened!.answer;
	if (applied.reused !== undefined) {
		const shared = openSharedSession(applied.reused, sealKey!);
		if (shared === undefined) {
			await settings.store.putSession(opened!.record);
		} else {
			session = shared;
		}
	} else if (opened !== undefined) {
		sessionReuse?.remember(owner, opened.answer, opened.record.tokenHash);
	}

	const body: IdentityAnswer = {userId, anonymousId, verified: true, verification: 'ok', variables, session};
	if (applied.ignored.length > 0) {
		body.ignored = applied.ignored;
	}

	return {status: 200, body};
}

// A call that did not verify: its outcome is counted; with enforcement it
// is refused and changes nothing (it is either an attack or a signing
// mistake, and neither should touch the real user's record); in monitor
// mode it is recorded unverified, within the per-user limit of such calls.
async function refuse(settings: Settings, client: Client, call: IdentifyCall, result: Extract<Proven, {ok: false}>, now: Date): Promise<Reply> {
	const {clientToken, anonymousId, userId, metadata} = call;
	const {code, hint} = result;
	await settings.store.recordOutcome(hint === undefined ? {clientToken, userId, code, at: now} : {clientToken, userId, code, hint, at: now});
	const message = hint === undefined ? VERIFICATION_MESSAGES[code] : HINT_MESSAGES[hint];
	if (client.enforce) {
		return errorReply(403, code, message, {hint});
	}

	const limit = {key: compoundKey('user', clientToken, userId), max: settings.rateLimit.perUser, who: 'without a valid hash for this user id', name: 'user' as const};
	const refused = await rateLimited(settings.store, [limit], settings.rateLimit.windowMs, now);
	if (refused !== undefined) {
		return refused;
	}

	const applied = await applyToUser(settings, {clientToken, userId, anonymousId, metadata, verification: code, now});
	if (!applied.ok) {
		return applied.reply;
	}

	const body: IdentityAnswer = {userId, anonymousId, verified: false, verification: code, variables: {}, session: null, ...(hint && {hint}), message};
	if (applied.ignored.length > 0) {
		body.ignored = applied.ignored;
	}

	return {status: 200, body};
}

import type {IdentifyCall} from './body';
import type {Client, Settings, Variables} from './config';
import {HINT_MESSAGES, type Hint} from './hints';
import {proveIdentity} from './prove';
import {rateLimited} from './rate-limit';
import {errorReply, type Reply, VERIFICATION_MESSAGES} from './reply';
import {newSession, type SessionAnswer, sessionEnd} from './session';
import type {Outcome} from './store';
import {applyToUser} from './user-record';
import {variablesFor} from './variables';
import type {VerificationOutcome} from '../shared/verification';

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
 * was verified. Only a verified call gets variables and a session;
 * unverified calls also count against the per-user rate limit.
 *
 * @example
 * const reply = await identify(settings, client, call, now);
 * // {status: 200, body: {userId: '42', verified: true, verification: 'ok', variables: {…}, session: {…}}}
 */
export async function identify(settings: Settings, client: Client, call: IdentifyCall, now: Date): Promise<Reply> {
	const {clientToken, anonymousId, userId, metadata} = call;
	const result = await proveIdentity(settings, client, call, now);
	const hint = result.ok ? undefined : result.hint;
	const verification = result.ok ? 'ok' : result.code;
	const outcome: Outcome = hint === undefined ? {clientToken, userId, code: verification, at: now} : {clientToken, userId, code: verification, hint, at: now};
	if (!result.ok) {
		// A verified call's outcome is written with its change and session, below.
		await settings.store.recordOutcome(outcome);
	}

	const message = result.ok ? undefined : hint === undefined ? VERIFICATION_MESSAGES[result.code] : HINT_MESSAGES[hint];
	if (!result.ok && client.enforce) {
		// A refused identity changes nothing: it is either an attack or a
		// signing mistake, and neither should touch the real user's record.
		return errorReply(403, result.code, message!, {hint});
	}

	if (!result.ok) {
		const limit = {key: ['user', clientToken, userId], max: settings.rateLimit.perUser, who: 'without a valid hash for this user id'};
		const refused = await rateLimited(settings.store, [limit], settings.rateLimit.windowMs, now);
		if (refused !== undefined) {
			return refused;
		}
	}

	// Asked before anything is written, so a throwing callback leaves no
	// half-applied call behind for the retry to apply again.
	const variables = result.ok ? await variablesFor(client, userId) : {};
	// Only a verified token's attributes are signed: they win over metadata.
	const attributes = result.ok ? result.attributes : undefined;
	const owner = result.ok ? {clientToken, userId, anonymousId, keyId: client.keyIds[result.keyIndex]} : undefined;
	const validUntil = result.ok ? result.validUntil : undefined;
	// The visitor's live session for this user, when the store is in process (see SessionReuse); else a new one.
	const reused = owner && (await settings.sessionReuse?.find(settings.store, owner, now, sessionEnd(settings, now, validUntil)));
	const opened = owner && !reused ? newSession(settings, {...owner, now, validUntil}) : undefined;
	if (reused) {
		// Written with the session otherwise; here there is no session to write.
		await settings.store.recordOutcome(outcome);
	}

	const applied = await applyToUser(settings, {clientToken, userId, anonymousId, metadata, attributes, verification, now}, opened && {outcome, session: opened.record});
	if (!applied.ok) {
		return applied.reply;
	}

	if (owner && opened) {
		settings.sessionReuse?.remember(owner, opened.answer.token, opened.record.tokenHash);
	}

	const session = reused ?? opened?.answer ?? null;
	const explained = {...(hint && {hint}), ...(message && {message})};
	const ignored = applied.ignored.length === 0 ? {} : {ignored: applied.ignored};
	const body: IdentityAnswer = {userId, anonymousId, verified: result.ok, verification, variables, session, ...explained, ...ignored};
	return {status: 200, body};
}

import type {IdentifyCall} from './body';
import type {Client, Settings, Variables} from './config';
import {HINT_MESSAGES, type Hint, hintFor} from './hints';
import {errorReply, type Reply, VERIFICATION_MESSAGES} from './reply';
import {openSession, type SessionAnswer} from './session';
import {applyToUser} from './user-record';
import {variablesFor} from './variables';
import {DEFAULT_CLOCK_SKEW_SECONDS, type Verification, verifyIdentity} from './verify';

/** The 200 answer of `/v1/identify` and `/v1/user` (SPEC §3). */
export type IdentityAnswer = {
	userId: string;
	anonymousId: string;
	verified: boolean;
	verification: Verification;
	variables: Variables;
	session: SessionAnswer | null;
	/** Monitor mode, a failed hash: the signing mistake that explains it (SPEC §3 "Hints"), and that in words. */
	hint?: Hint;
	hintMessage?: string;
};

/**
 * Applies `POST /v1/identify`: verifies the hash against the client's
 * keys, refuses it (403) when the client enforces verification, else
 * updates the user's one record and answers whether it was verified. Only
 * a verified call gets variables and a session.
 *
 * @example
 * const reply = await identify(settings, client, call, now);
 * // {status: 200, body: {userId: '42', verified: true, verification: 'ok', variables: {…}, session: {…}}}
 */
export async function identify(settings: Settings, client: Client, call: IdentifyCall, now: Date): Promise<Reply> {
	const {clientToken, anonymousId, userId, metadata, hash, expiration} = call;
	const result = verifyIdentity({userId, hash, expiration}, client.secrets, {now});
	const hint = result.ok ? undefined : hintFor(result.code, {userId, hash, expiration}, client, settings.clients);
	if (!result.ok && client.enforce) {
		// A refused identity changes nothing: it is either an attack or a
		// signing mistake, and neither should touch the real user's record.
		return errorReply(403, result.code, hint === undefined ? VERIFICATION_MESSAGES[result.code] : HINT_MESSAGES[hint], {hint});
	}

	const verification = result.ok ? 'ok' : result.code;
	// Asked before anything is written, so a throwing callback leaves no
	// half-applied call behind for the retry to apply again.
	const variables = result.ok ? await variablesFor(client, userId) : {};
	await applyToUser(settings, {clientToken, userId, anonymousId, metadata, verification, now});
	const validUntil = expiration === undefined ? undefined : Date.parse(expiration) + DEFAULT_CLOCK_SKEW_SECONDS * 1000;
	const session = result.ok ? await openSession(settings, {clientToken, userId, anonymousId, now, validUntil}) : null;
	const explained = hint === undefined ? {} : {hint, hintMessage: HINT_MESSAGES[hint]};
	const body: IdentityAnswer = {userId, anonymousId, verified: result.ok, verification, variables, session, ...explained};
	return {status: 200, body};
}

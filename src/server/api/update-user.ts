import type {UserCall} from './body';
import type {CallRequest} from './call-request';
import type {Client} from '../config/client';
import type {Settings} from '../config/settings';
import type {IdentityAnswer} from './identify';
import {errorReply, type Reply} from './reply';
import {findSession} from './session';
import {applyToUser} from './user-record';
import {variablesFor} from './variables';

/** Why `/v1/user` and `/v1/logout` answer 401. @example errorReply(401, 'session_invalid', SESSION_INVALID_MESSAGE) */
export const SESSION_INVALID_MESSAGE = 'the session is unknown, expired or revoked: identify the user again with a fresh hash';

/**
 * Applies `POST /v1/user`: with a live session of this client (the bearer
 * token), merges the metadata into the session user's record, with no new
 * hash. Answers like a verified identify, with the same session.
 *
 * @example
 * const reply = await updateUser(settings, client, call, request, now);
 */
export async function updateUser(settings: Settings, client: Client, call: UserCall, request: CallRequest, now: Date): Promise<Reply> {
	const found = await findSession(settings, request, client, now);
	if (found === undefined) {
		return errorReply(401, 'session_invalid', SESSION_INVALID_MESSAGE);
	}

	const {userId, expiresAt} = found.record;
	const variables = await variablesFor(client, userId);
	const applied = await applyToUser(settings, {clientToken: call.clientToken, userId, anonymousId: call.anonymousId, metadata: call.metadata, verification: 'ok', now});
	if (!applied.ok) {
		return applied.reply;
	}

	const body: IdentityAnswer = {
		userId,
		anonymousId: call.anonymousId,
		verified: true,
		verification: 'ok',
		variables,
		session: {token: found.token, expiresAt},
		...(applied.ignored.length === 0 ? {} : {ignored: applied.ignored}),
	};
	return {status: 200, body};
}

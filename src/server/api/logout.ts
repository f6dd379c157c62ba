import type {CallRequest} from './call-request';
import type {Client} from '../config/client';
import type {Settings} from '../config/settings';
import {errorReply, type Reply} from './reply';
import {findSession} from './session';
import {SESSION_INVALID_MESSAGE} from './update-user';

/**
 * Applies `POST /v1/logout`: revokes every session of the bearer token's
 * user on that visitor (older ones opened by earlier identify calls too),
 * so a later `/v1/user` with any of them answers 401 `session_invalid`. A
 * session that is already gone answers 401 too (a retry of a logout that
 * succeeded gets the remembered 200 instead).
 *
 * @example
 * const reply = await logout(settings, client, request, now); // {status: 200, body: {ok: true}}
 */
export async function logout(settings: Settings, client: Client, request: CallRequest, now: Date): Promise<Reply> {
	const found = await findSession(settings, request, client, now);
	if (found === undefined) {
		return errorReply(401, 'session_invalid', SESSION_INVALID_MESSAGE);
	}

	const {clientToken, userId, anonymousId} = found.record;
	await settings.store.deleteSessions({clientToken, userId, anonymousId});
	return {status: 200, body: {ok: true}};
}

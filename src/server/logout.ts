import type {LogoutCall} from './body';
import type {Settings} from './config';
import {errorReply, type Reply} from './reply';
import {findSession} from './session';
import {SESSION_INVALID_MESSAGE} from './update-user';

/**
 * Applies `POST /v1/logout`: revokes the bearer token's session, so a later
 * `/v1/user` with it answers 401 `session_invalid`. A session that is
 * already gone answers 401 too (a retry of a logout that succeeded gets
 * the remembered 200 instead).
 *
 * @example
 * const reply = await logout(settings, call, request, now); // {status: 200, body: {ok: true}}
 */
export async function logout(settings: Settings, call: LogoutCall, request: Request, now: Date): Promise<Reply> {
	const found = await findSession(settings, request, call.clientToken, now);
	if (found === undefined) {
		return errorReply(401, 'session_invalid', SESSION_INVALID_MESSAGE);
	}

	await settings.store.deleteSession(found.record.tokenHash);
	return {status: 200, body: {ok: true}};
}

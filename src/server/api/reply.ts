import type {CallAnswer} from './call-request';
import type {Hint} from '../verify/hints';
import type {VerificationCode} from '../../shared/verification';
import type {AdminRole} from '../store/registry';

/** A change made through the admin API: its action (as the audit log names it), who made it, and to what. */
export type AdminChange = {action: string; actor: {id: string; role: AdminRole}; clientToken?: string; keyId?: string; credentialId?: string};

/**
 * An answer before it becomes a Response: what is remembered for retries.
 * `text`, when set, is `body` as JSON already, so it is written once.
 */
export type Reply = {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
	text?: string;
	/** A body that is no JSON (the Prometheus text of /metrics), with its media type. */
	raw?: {contentType: string; text: string};
	/** What metrics and logs record of this answer and nobody else sees: the limit that refused it, the admin change it made, whether it looks like an attack. */
	meta?: {limit?: string; change?: AdminChange; suspicious?: boolean};
};

/** Every error code the reference API answers with, in `{error: {code, message}}`. */
export type ErrorCode =
	| 'invalid_request'
	| 'unknown_client_token'
	| 'session_invalid'
	| 'admin_key_invalid'
	| 'admin_unauthorized'
	| 'admin_forbidden'
	| 'config_client'
	| 'not_ready'
	| 'last_active_key'
	| 'payload_too_large'
	| 'conflict'
	| VerificationCode
	| 'rate_limited'
	| 'message_id_reused'
	| 'not_found'
	| 'method_not_allowed'
	| 'origin_not_allowed'
	| 'server_error'
	| 'store_unavailable';

/**
 * What a verification failure most likely means, for the 403 answer and
 * the monitor-mode 200 (the SDK's console warning repeats it). Worded for
 * both modes.
 *
 * @example
 * errorReply(403, 'hash_invalid', VERIFICATION_MESSAGES.hash_invalid)
 */
export const VERIFICATION_MESSAGES: Record<VerificationCode, string> = {
	hash_missing: 'no hash was sent: sign the user id on your server and pass the hash to identifyUser',
	hash_invalid: 'the hash does not match this user id: signed with another key, another user id, or altered',
	hash_expired: 'the hash has expired: sign the user id again with a later expiration',
	token_invalid: "the identity token is not valid here: signed with a key this client does not have, for another user id or client, with another algorithm than the key's, or altered",
	token_expired: 'the identity token has expired: sign a new one on your server, or pass refreshIdentity',
};

/**
 * An error answer: `{error: {code, message}}`, plus `field` for a
 * malformed call and `hint` for a hash that fails by a known mistake.
 *
 * @example
 * errorReply(401, 'session_invalid', 'the session is unknown, expired or revoked')
 */
export function errorReply(status: number, code: ErrorCode, message: string, extra: {field?: string; hint?: Hint; headers?: Record<string, string>} = {}): Reply {
	const {field, hint, headers} = extra;
	const error = {code, message, ...(field === undefined ? {} : {field}), ...(hint === undefined ? {} : {hint})};
	return {status, body: {error}, headers};
}

/**
 * A 400 `invalid_request` naming the field at fault.
 *
 * @example
 * invalid('userId', 'userId must not be empty')
 */
export function invalid(field: string, message: string): Reply {
	return errorReply(400, 'invalid_request', message, {field});
}

/**
 * The wire form of a reply: JSON, never cached (it may carry a session
 * token), not to be sniffed as anything else, varying by Origin, and
 * allowing `allowedOrigin` when there is one (see `allowedOrigin`), which
 * may then read `Retry-After` where the reply has it.
 *
 * @example
 * return toFetchResponse(answerOf(reply, allowedOrigin(origin, client.origins)));
 */
export function answerOf(reply: Reply, allowedOrigin: string | undefined): CallAnswer {
	const {status} = reply;
	// Object literals of two fixed shapes, the reply's own headers (Retry-After,
	// Allow) added after: spreads would give every answer's headers a shape of
	// its own in V8, and each write to them then took the slow path.
	const headers: Record<string, string> =
		allowedOrigin === undefined
			? {Vary: 'Origin', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff'}
			: {Vary: 'Origin', 'Access-Control-Allow-Origin': allowedOrigin, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff'};
	if (reply.headers !== undefined) {
		for (const name in reply.headers) {
			headers[name] = reply.headers[name];
		}

		if (allowedOrigin !== undefined && reply.headers['Retry-After'] !== undefined) {
			headers['Access-Control-Expose-Headers'] = 'Retry-After';
		}
	}

	if (reply.raw !== undefined) {
		headers['Content-Type'] = reply.raw.contentType;
		return {status, headers, body: reply.raw.text};
	}

	if (reply.body === undefined || status === 204) {
		return {status, headers, body: null};
	}

	headers['Content-Type'] = 'application/json; charset=utf-8';
	return {status, headers, body: bodyText(reply)};
}

/**
 * The reply's body as JSON, written once: kept on the reply, so the
 * remembered copy and the answer share it.
 *
 * @example
 * bodyText({status: 200, body: {ok: true}}) // '{"ok":true}'
 */
export function bodyText(reply: Reply): string {
	reply.text ??= JSON.stringify(reply.body);
	return reply.text;
}

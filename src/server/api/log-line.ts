// One JSON line per answer, and one per admin change, for the handler's
// `log` option (SPEC §7). Redaction is by construction: a line is built
// from named fields the handler chose, never by serialising a request, a
// body or an error object, so a hash, token, key or credential has no way in.
import type {Call} from './body';
import type {CallRequest} from './call-request';
import type {Client} from '../config/client';
import type {AdminChangeLog, AnswerLog, LogLevel, LogRecord, RouteName} from '../config/log-record';
import type {Settings} from '../config/settings';
import type {Reply} from './reply';

/** What the handler learns while answering: the client (for CORS), and the credentials a log line must blank out (see `credentialsOf`). */
export type Context = {client?: Client; bearerToken?: string; call?: Call; note?: string; admin?: boolean};

// What a log line must not hold of this call: the session token, and the
// hash or identity token. Only a string long enough to be a hash is worth
// blanking out (blanking a one-letter "hash" would blank that letter
// everywhere in the text); of a token, its signature part alone would be enough.
/**
 * The credentials of this call a log line must blank out.
 *
 * @example
 * redact(detail, [...secrets, ...credentialsOf(context)])
 */
export function credentialsOf({bearerToken, call}: Context): string[] {
	const values = bearerToken === undefined ? [] : [bearerToken];
	if (call?.route === 'identify' && call.hash !== undefined && call.hash.trim().length >= 16) {
		values.push(call.hash, call.hash.trim());
	}

	if (call?.route === 'identify' && call.token !== undefined && call.token.length >= 16) {
		values.push(call.token, ...call.token.split('.').filter((part) => part.length >= 16));
	}

	return values;
}

/**
 * `text` with every one of `values` replaced by `[redacted]`.
 *
 * @example
 * redact('bad key sk_1', ['sk_1']) // 'bad key [redacted]'
 */
export function redact(text: string, values: string[]): string {
	return values.filter((value) => value.length > 0).reduce((result, value) => result.split(value).join('[redacted]'), text);
}

/**
 * Writes the line of one answer, and of the admin change it made if any, to
 * the `log` option. A log that throws does not fail the answer it records.
 *
 * @example
 * logAnswer(settings, request, reply, context, {route: 'identify', requestId, durationMs: 3});
 */
export function logAnswer(settings: Settings, request: CallRequest, reply: Reply, context: Context, facts: {route: RouteName; requestId: string; durationMs: number}): void {
	const change = adminChangeLog(reply, facts.requestId);
	write(settings, answerLog(request, reply, context, facts));
	if (change !== undefined) {
		write(settings, change);
	}
}

function write(settings: Settings, record: LogRecord): void {
	try {
		settings.log(jsonLine(record), record);
	} catch {}
}

/**
 * The log record of one answer, from the answer's body and what the handler
 * learned: never the request's body, headers or query.
 *
 * @example
 * answerLog(request, reply, context, {route: 'identify', requestId, durationMs: 3})
 * // {time, level: 'info', requestId, route: 'identify', method: 'POST', status: 200, clientToken: 'ct_demo', outcome: 'ok', userId: '42', durationMs: 3}
 */
export function answerLog(request: CallRequest, reply: Reply, context: Context, facts: {route: RouteName; requestId: string; durationMs: number}): AnswerLog {
	const answer = reply.body as {error?: {code?: string; field?: string; hint?: string}; verification?: string; hint?: string; userId?: string} | undefined;
	const record: AnswerLog = {
		time: new Date().toISOString(),
		level: levelOf(reply),
		requestId: facts.requestId,
		route: facts.route,
		method: request.method,
		status: reply.status,
		clientToken: context.client?.token,
		outcome: answer?.verification ?? answer?.error?.code ?? 'ok',
		hint: answer?.error?.hint ?? answer?.hint,
		userId: typeof answer?.userId === 'string' ? answer.userId : undefined,
		field: answer?.error?.field,
		replayed: context.note === 'replayed' ? true : undefined,
		cause: reply.status >= 500 && context.note !== 'replayed' ? context.note : undefined,
		durationMs: facts.durationMs,
	};
	return record;
}

/**
 * The log record of the admin change an answer made, if it made one.
 *
 * @example
 * adminChangeLog(reply, requestId) // {time, level: 'info', requestId, event: 'admin_change', action: 'key.retire', actor: {id: 'owner', role: 'owner'}, clientToken: 'ct_…', keyId: 'k_…'}
 */
export function adminChangeLog(reply: Reply, requestId: string): AdminChangeLog | undefined {
	const change = reply.meta?.change;
	if (change === undefined) {
		return undefined;
	}

	return {time: new Date().toISOString(), level: 'info', requestId, event: 'admin_change', action: change.action, actor: change.actor, clientToken: change.clientToken, keyId: change.keyId, credentialId: change.credentialId};
}

/**
 * A record as one line of JSON: fields left out are absent, and everything
 * outside printable ASCII is written as `\uXXXX`, so a user id holding
 * U+2028, U+0085 or a bidi control cannot break, forge or disguise a line
 * in any log viewer.
 *
 * @example
 * jsonLine({userId: 'zoë'}) // '{"userId":"zo\\u00eb"}'
 */
export function jsonLine(record: LogRecord): string {
	return JSON.stringify(record).replace(/[^\x20-\x7e]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function levelOf(reply: Reply): LogLevel {
	if (reply.status >= 500) {
		return 'error';
	}

	return reply.status === 429 || reply.meta?.suspicious === true ? 'warn' : 'info';
}

// One line per answer, for the handler's `log` option: what was asked, what
// was answered and why, and nothing secret (keys, hashes, tokens are blanked
// out, user ids escaped).
import type {Call} from './body';
import type {CallRequest} from './call-request';
import type {Client} from '../config/client';
import type {Reply} from './reply';

/** What the handler learns while answering: the client (for CORS), and the credentials a log line must blank out (see `credentialsOf`). */
export type Context = {client?: Client; bearerToken?: string; call?: Call; note?: string; admin?: boolean};

// What a log line must not hold of this call: the session token, and the
// hash or identity token. Only a string long enough to be a hash is worth
// blanking out (blanking a one-letter "hash" would blank that letter
// everywhere in the line); of a token, its signature part alone would be enough.
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
 * The log line of one answer: method, path (never the query), status, the
 * error code and field, the verification and user, the hint, the client,
 * a note (replayed, or the redacted cause of a 500), and the time taken.
 *
 * @example
 * logLine(request, reply, context, 3) // 'POST /v1/identify 200 verification=ok user="42" client="ct_demo" 3ms'
 */
export function logLine(request: CallRequest, reply: Reply, context: Context, ms: number): string {
	// The path only: a query string could carry anything, a hash included.
	const parts = [request.method, request.pathname, String(reply.status)];
	const answer = reply.body as {error?: {code?: string; field?: string; hint?: string}; verification?: string; hint?: string; userId?: string} | undefined;
	if (answer?.error?.code !== undefined) {
		parts.push(answer.error.code + (answer.error.field === undefined ? '' : ` field=${answer.error.field}`));
	}

	if (answer?.verification !== undefined) {
		parts.push(`verification=${answer.verification}`, `user=${logSafe(answer.userId)}`);
	}

	const hint = answer?.error?.hint ?? answer?.hint;
	if (hint !== undefined) {
		parts.push(`hint=${hint}`);
	}

	if (context.client !== undefined) {
		parts.push(`client=${logSafe(context.client.token)}`);
	}

	if (context.note !== undefined) {
		parts.push(context.note);
	}

	parts.push(`${ms}ms`);
	return parts.join(' ');
}

// Quoted, and everything outside printable ASCII written as \uXXXX: a user
// id holding U+2028, U+0085 or a bidi control cannot forge or disguise a
// line in any log viewer.
function logSafe(value: unknown): string {
	return (JSON.stringify(value) ?? 'undefined').replace(/[^\x20-\x7e]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

import {isPlainObject, isUnstorableText, metadataProblemOf} from '../../shared/metadata';
import {userIdProblem} from '../../shared/message';
import {expirationTime} from '../store/instant';

/** The three calls of the wire protocol. */
export type Route = 'identify' | 'user' | 'logout';

/** What every call carries. */
export type BaseCall = {
	clientToken: string;
	anonymousId: string;
	messageId: string;
	sentAt?: string;
};

/** `POST /v1/identify`, checked. */
export type IdentifyCall = BaseCall & {
	route: 'identify';
	userId: string;
	metadata?: Record<string, unknown>;
	hash?: string;
	expiration?: string;
	/** `expiration` in ms since the epoch, read once here. */
	expiresAt?: number;
	/** A signed identity token, instead of `hash` and `expiration`. */
	token?: string;
};

/** `POST /v1/user`, checked. */
export type UserCall = BaseCall & {route: 'user'; metadata?: Record<string, unknown>};

/** `POST /v1/logout`, checked. */
export type LogoutCall = BaseCall & {route: 'logout'};

/** Any checked call; `route` tells which. */
export type Call = IdentifyCall | UserCall | LogoutCall;

/** A checked call, or the first field that is wrong and why. */
export type CallResult = {ok: true; call: Call} | {ok: false; field: string; message: string};

/** Longest anonymous id or message id accepted (a UUID is 36). @example 128 */
export const MAX_ID_LENGTH = 128;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Checks a parsed body field by field for one route. Messages say what is
 * expected and never repeat the value sent (it may be a hash). Fields a
 * route does not use are ignored.
 *
 * @example
 * const result = checkCall('identify', JSON.parse(text));
 * if (!result.ok) return invalid(result.field, result.message);
 * result.call.route // 'identify'
 */
export function checkCall(route: Route, body: unknown): CallResult {
	if (!isPlainObject(body)) {
		return problem('body', 'the body must be a JSON object');
	}

	const {clientToken, anonymousId, messageId, sentAt, userId, metadata, hash, expiration, token} = body;
	if (typeof clientToken !== 'string' || clientToken === '') {
		return problem('clientToken', 'clientToken must be a non-empty string: the public client token');
	}

	const anonymousProblem = idProblem(anonymousId);
	if (anonymousProblem !== undefined) {
		return problem('anonymousId', `anonymousId ${anonymousProblem}`);
	}

	const messageProblem = idProblem(messageId);
	if (messageProblem !== undefined) {
		return problem('messageId', `messageId ${messageProblem}`);
	}

	if (sentAt !== undefined && typeof sentAt !== 'string') {
		return problem('sentAt', 'sentAt must be an ISO date string when given');
	}

	// Each call is one object literal of a fixed shape, not a spread of a
	// shared base: V8 gives spread copies with extra keys shapes of their
	// own, and every read of them downstream missed its inline cache.
	if (route === 'logout') {
		return {ok: true, call: {route, clientToken, anonymousId: anonymousId as string, messageId: messageId as string, sentAt}};
	}

	if (route === 'identify') {
		if (typeof userId !== 'string') {
			return problem('userId', 'userId must be a string (a numeric id is sent as its decimal string)');
		}

		const userProblem = userIdProblem(userId);
		if (userProblem !== undefined) {
			return problem('userId', `userId ${userProblem}`);
		}
	}

	if (metadata !== undefined) {
		const metadataProblem = metadataProblemOf(metadata);
		if (metadataProblem !== undefined) {
			return problem('metadata', `metadata ${metadataProblem}`);
		}
	}

	if (route === 'user') {
		return {ok: true, call: {route, clientToken, anonymousId: anonymousId as string, messageId: messageId as string, sentAt, metadata: metadata as Record<string, unknown> | undefined}};
	}

	if (hash !== undefined && typeof hash !== 'string') {
		return problem('hash', 'hash must be a string when given: the hex or base64 HMAC-SHA256 from your server');
	}

	const expiresAt = typeof expiration === 'string' ? expirationTime(expiration) : undefined;
	if (expiration !== undefined && expiresAt === undefined) {
		return problem('expiration', 'expiration must be a date string such as 2026-11-21T12:00:00.000Z when given');
	}

	if (token !== undefined && (typeof token !== 'string' || hash !== undefined || expiration !== undefined)) {
		return problem('token', 'token must be a string when given (a signed identity token), and is sent instead of hash and expiration, never with them');
	}

	const call: IdentifyCall = {
		route,
		clientToken,
		anonymousId: anonymousId as string,
		messageId: messageId as string,
		sentAt,
		metadata: metadata as Record<string, unknown> | undefined,
		userId: userId as string,
		hash,
		expiration: expiration as string | undefined,
		expiresAt,
		token,
	};
	return {ok: true, call};
}

function problem(field: string, message: string): {ok: false; field: string; message: string} {
	return {ok: false, field, message};
}

function idProblem(id: unknown): string | undefined {
	if (typeof id !== 'string' || id === '') {
		return 'must be a non-empty string';
	}

	if (id.length > MAX_ID_LENGTH) {
		return `must be at most ${MAX_ID_LENGTH} characters`;
	}

	if (CONTROL_CHARACTER.test(id)) {
		return 'must not contain control characters';
	}

	// Stored (PostgreSQL's jsonb refuses it: a 503 there, for bad input) and
	// hashed (UTF-8 makes it U+FFFD: 'a\uD800' and 'a\uFFFD' would be one id).
	return isUnstorableText(id) ? 'must not hold a lone surrogate (ill-formed text no store can hold)' : undefined;
}


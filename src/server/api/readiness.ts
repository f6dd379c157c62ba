import type {CallRequest} from './call-request';
import {sameSecret} from '../verify/secrets';
import type {Client} from '../config/client';
import type {Settings} from '../config/settings';
import {compoundKey} from '../store/compound-key';
import {rateLimited} from './rate-limit';
import {errorReply, invalid, type Reply} from './reply';
import type {OutcomeSummary} from '../store/store';

/** The answer of `GET /v1/readiness` (docs/enforcement.md): never a hash, a key or a token. */
export type ReadinessAnswer = OutcomeSummary & {
	/** The window the counts cover, in hours, ending now. */
	hours: number;
	/** True only when there were calls in the window and every one verified: turning `enforce` on would refuse none of them. */
	safeToEnforce: boolean;
};

/**
 * The window of a readiness report when `?hours=` is not given: a day.
 *
 * @example
 * fetch(`${apiHost}/v1/readiness?clientToken=ct_live&hours=${DEFAULT_READINESS_HOURS * 7}`, {headers})
 */
export const DEFAULT_READINESS_HOURS = 24;

/** The longest window a report may ask for: the week `MemoryStore` keeps outcomes. @example MAX_READINESS_HOURS // 168 */
export const MAX_READINESS_HOURS = 168;

/**
 * Readiness requests allowed per client and caller address in each
 * rate-limit window, right key or wrong. Counted before the key is looked
 * at, so past the limit every answer is 429 and a guess learns nothing;
 * far above what a dashboard polling the report needs.
 *
 * @example
 * // the 31st request of a minute from one address answers 429, whatever its key
 */
export const READINESS_REQUESTS_PER_WINDOW = 30;

const ADMIN_KEY_INVALID = 'the readiness report needs Authorization: Bearer <adminKey>, with the adminKey configured for this client';

/**
 * Answers `GET …/v1/readiness?clientToken=…[&hours=…]` with
 * `Authorization: Bearer <adminKey>`: the client's verification outcomes
 * of the window (counts per code and per hint, the newest failures) and
 * whether enforcement is safe to turn on. 401 without the client's admin
 * key (and for a client that has none); the key is compared in constant
 * time, after the request was counted against
 * {@link READINESS_REQUESTS_PER_WINDOW}.
 *
 * @example
 * const reply = await readiness(request, bearerToken, {clientIp}, settings, now, context);
 * // {status: 200, body: {total: 12, byCode: {ok: 11, hash_invalid: 1}, byHint: {user_id_case: 1}, recentFailures: […], hours: 24, safeToEnforce: false}}
 */
export async function readiness(
	request: CallRequest,
	bearerToken: string | undefined,
	info: {clientIp?: string},
	settings: Settings,
	now: Date,
	context: {client?: Client},
): Promise<Reply> {
	if (request.method !== 'GET') {
		return errorReply(405, 'method_not_allowed', '/v1/readiness answers GET only', {headers: {Allow: 'GET'}});
	}

	const query = new URLSearchParams(request.search);
	const token = query.get('clientToken') ?? '';
	const client = settings.clients.get(token);
	if (client === undefined) {
		return errorReply(401, 'unknown_client_token', 'no client has this client token: pass ?clientToken= of the client to report on');
	}

	context.client = client;
	const limit = {key: compoundKey('readiness', token, info.clientIp ?? ''), max: READINESS_REQUESTS_PER_WINDOW, who: 'for this readiness report', name: 'readiness' as const};
	const refused = await rateLimited(settings.store, [limit], settings.rateLimit.windowMs, now);
	if (refused !== undefined) {
		return refused;
	}

	if (client.adminKey === undefined || bearerToken === undefined || !sameSecret(bearerToken, client.adminKey)) {
		return errorReply(401, 'admin_key_invalid', ADMIN_KEY_INVALID);
	}

	const hours = hoursOf(query);
	if (hours === undefined) {
		return invalid('hours', `hours must be a whole number of hours from 1 to ${MAX_READINESS_HOURS}`);
	}

	return {status: 200, body: await readinessReport(settings, token, hours, now)};
}

/**
 * The `?hours=` of a report's query: {@link DEFAULT_READINESS_HOURS} when
 * absent, undefined when not a whole number from 1 to {@link MAX_READINESS_HOURS}.
 *
 * @example
 * hoursOf(new URLSearchParams('hours=48')) // 48
 */
export function hoursOf(query: URLSearchParams): number | undefined {
	const text = query.get('hours') ?? String(DEFAULT_READINESS_HOURS);
	const hours = /^\d{1,3}$/.test(text) ? Number(text) : 0;
	return hours >= 1 && hours <= MAX_READINESS_HOURS ? hours : undefined;
}

/**
 * A client's readiness report over the last `hours`: counts by code and
 * hint, the newest failures, and whether enforcement is safe to turn on.
 *
 * @example
 * (await readinessReport(settings, 'ct_demo', 24, now)).safeToEnforce
 */
export async function readinessReport(settings: Settings, token: string, hours: number, now: Date): Promise<ReadinessAnswer> {
	const summary = await settings.store.readiness(token, new Date(now.getTime() - hours * 3_600_000));
	const {total, byCode, byHint, recentFailures} = summary;
	const safeToEnforce = total > 0 && byCode.ok === total;
	return {total, byCode, byHint, recentFailures, hours, safeToEnforce};
}

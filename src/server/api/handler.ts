import {checkCall, type Call, type Route} from './body';
import {CALL_HANDLER, type CallAnswer, type CallHandler, type CallRequest, fromFetchRequest, toFetchResponse} from './call-request';
import type {Client} from '../config/client';
import {type Settings, settingsFrom} from '../config/settings';
import type {IdentityHandlerConfig} from '../config/types';
import {ALLOWED_METHODS, allowedOrigin, preflight} from './cors';
import {type Context, credentialsOf, logAnswer, redact} from './log-line';
import {identify} from './identify';
import {logout} from './logout';
import {isPromise} from '../store/maybe-promise';
import {callLimits, rateLimited, refusedBy} from './rate-limit';
import {readiness} from './readiness';
import {readJsonBody} from './read-body';
import {RememberedReplies} from './replies';
import {AdminGuard, answerAdmin} from './admin/admin';
import {ControlPlane} from '../control/control-plane';
import type {RegistryStore} from '../store/registry';
import type {IdentityStore} from '../store/store';
import {SessionReuse} from './session-reuse';
import {answerOf, errorReply, invalid, type Reply} from './reply';
import type {MaybePromise} from '../store/store';
import {StoreFailure} from '../store/store-failure';
import {updateUser} from './update-user';
import {type CallerInfo, callerOf, noIpWarning} from './caller';
import {healthz, readyz} from './health';
import {Metrics, routeOf} from './metrics';
import {answerMetrics} from './metrics-route';
import {RequestIds} from './request-id';
import {answerConsole, isConsolePath} from './console';

/**
 * A Fetch-standard handler: give it a Request (and what the server knows
 * of the caller), get a Response. It never throws.
 *
 * @example
 * const response = await handler(new Request('https://api.example.com/v1/identify', {method: 'POST', body}), {clientIp});
 */
export type IdentityHandler = ((request: Request, info?: CallerInfo) => Promise<Response>) & {
	/**
	 * Settles when the handler can answer: at once without `admin`; with it,
	 * once the registry was read and its keys opened. Rejects (naming the
	 * master key) when they do not open; `startServer` then rejects too.
	 */
	ready?: Promise<void>;
};

// A route is recognised by how the path ends, so the API can be mounted
// under a prefix (/api/v1/identify) without configuration. The leading
// slash keeps /xv1/identify from matching.
const ROUTES: ReadonlyArray<[string, Route]> = [
	['/v1/identify', 'identify'],
	['/v1/user', 'user'],
	['/v1/logout', 'logout'],
];


/** The parts of the handler that live as long as it does. */
type State = {
	settings: Settings;
	replies: RememberedReplies;
	sessionReuse: SessionReuse | undefined;
	sweptAt: number;
	/** The control plane, with `admin` in the configuration. */
	control: ControlPlane | undefined;
	guard: AdminGuard;
	/** Prometheus metrics, with `metrics` in the configuration. */
	metrics: Metrics | undefined;
	/** Until the control plane has read the registry: what every call waits for first. */
	starting: Promise<void> | undefined;
	requestIds: RequestIds;
};

/** Seconds a caller waits after a 503 `store_unavailable`: long enough for a pool to reconnect, short enough to feel like a hiccup. */
const STORE_RETRY_AFTER = '2';

// Admin routes are matched like the others, by how the path goes on, so the API can be mounted under a prefix.
const ADMIN_PREFIX = '/v1/admin/';

/** How often the handler asks the store to forget what has expired. */
const SWEEP_EVERY_MS = 60_000;

/**
 * The reference identity API (docs/reference-api.md) as a Fetch handler:
 * `POST …/v1/identify`, `POST …/v1/user`, `POST …/v1/logout`, and their
 * CORS preflights, and `GET …/v1/readiness` for the client's admin. Paths are matched by their ending, so it can be mounted
 * under any prefix. The configuration is checked here, once: a client
 * without keys throws a `TypeError` at start-up.
 *
 * Every answer is JSON, `Cache-Control: no-store`, and never holds a
 * private key or a hash; neither does a log line. A retried call (same
 * client token, anonymous id and message id) gets the first answer again
 * and is applied once.
 *
 * @example
 * const handler = createIdentityHandler({
 * 	clients: {ct_demo: {secrets: [process.env.SIGNET_SECRET], allowedOrigins: ['https://app.example.com']}},
 * });
 * const {url} = await startServer(handler, {port: 8787});
 */
export function createIdentityHandler(config: IdentityHandlerConfig): IdentityHandler {
	const settings = settingsFrom(config);
	const state: State = {
		settings,
		replies: new RememberedReplies(settings.store, settings.replyTtlMs),
		// The session tokens this handler may hand out again: with an `inProcess` store only (see SessionReuse).
		sessionReuse: settings.store.inProcess === true ? new SessionReuse(settings.sessionTtlMs) : undefined,
		sweptAt: Number.NEGATIVE_INFINITY,
		control: settings.admin === undefined ? undefined : new ControlPlane(settings, settings.store as IdentityStore & RegistryStore, settings.admin),
		guard: new AdminGuard(),
		metrics: undefined,
		starting: undefined,
		requestIds: new RequestIds(),
	};
	// The registry read, and prom-client loaded: what every call waits for first, once.
	const loadingMetrics = settings.metrics === undefined ? undefined : Metrics.create(() => state.settings.clients.values()).then((metrics) => void (state.metrics = metrics));
	const ready = Promise.all([state.control?.ready, loadingMetrics]).then(() => {});
	ready.catch(() => {});
	state.starting = state.control === undefined && loadingMetrics === undefined ? undefined : ready.then(() => {
		state.starting = undefined;
	});
	state.starting?.catch(() => {});
	// Every key the clients hold now, for blanking out of a log line (an error's only: computed then).
	const secrets = () => [...settings.clients.values()].flatMap((client) => [...client.secrets, ...(client.tokenKeys.tokenSecrets ?? []), ...client.retiredSecrets]);

	// Without a log there is no line to build.
	const logging = config.log !== undefined;

	const warnOfNoIp = noIpWarning();
	const answerCall: CallHandler = async (request, info = {}) => {
		if (info.clientIp === undefined) {
			warnOfNoIp();
		}

		const started = logging || settings.metrics !== undefined ? performance.now() : 0;
		const requestId = state.requestIds.of(request.header('x-request-id'));
		const origin = request.header('origin');
		const context: Context = {client: undefined, bearerToken: undefined, call: undefined, note: undefined, admin: undefined};
		let reply: Reply;
		let answer: CallAnswer;
		try {
			reply = await handle(request, info, state, context);
			answer = answerOf(reply, allowedOriginFor(context, origin, settings));
		} catch (error) {
			// The caller learns only that it failed; the details go to the log,
			// with every key, the call's hash and its session token blanked out.
			const detail = error instanceof Error ? `${error.name}: ${error.message}` : 'a non-Error value was thrown';
			context.note = redact(detail, [...secrets(), ...credentialsOf(context)]);
			if (error instanceof StoreFailure) {
				state.metrics?.storeFailed(error.method);
			}

			reply =
				error instanceof StoreFailure
					? errorReply(503, 'store_unavailable', 'the API cannot reach its store: retry in a moment', {headers: {'Retry-After': STORE_RETRY_AFTER}})
					: errorReply(500, 'server_error', 'the server failed to answer; try again later');
			answer = answerOf(reply, allowedOriginFor(context, origin, settings));
		}

		answer.headers['X-Request-Id'] = requestId;
		const route = routeOf(request.pathname);
		if (state.metrics !== undefined) {
			state.metrics.answered(route, reply, context.client, (performance.now() - started) / 1000);
		}

		if (logging) {
			logAnswer(settings, request, reply, context, {route, requestId, durationMs: Math.round(performance.now() - started)});
		}

		return answer;
	};

	const handler: IdentityHandler = async (request, info) => toFetchResponse(await answerCall(fromFetchRequest(request), callerOf(request, info, settings.clientIp)));
	handler.ready = ready;
	// toNodeListener answers node:http requests through answerCall directly, without Fetch objects.
	return Object.defineProperty(handler, CALL_HANDLER, {value: answerCall});
}

async function handle(request: CallRequest, info: CallerInfo, state: State, context: Context): Promise<Reply> {
	const {pathname} = request;
	// Liveness answers even while the control plane reads its registry.
	if (pathname.endsWith('/healthz')) {
		return healthz(request);
	}

	if (state.starting !== undefined) {
		await state.starting;
	}

	const {settings, replies} = state;
	if (pathname.endsWith('/readyz')) {
		return readyz(request, settings.store);
	}

	const authorization = request.header('authorization');
	const bearerToken = authorization === null ? undefined : /^Bearer +(\S+)/i.exec(authorization)?.[1];
	context.bearerToken = bearerToken;

	if (pathname.endsWith('/metrics')) {
		// No CORS: a scraper is no page.
		context.admin = true;
		return answerMetrics(request, bearerToken, info.clientIp, {settings, metrics: state.metrics, control: state.control, guard: state.guard}, currentTime(settings));
	}

	if (isConsolePath(pathname)) {
		context.admin = true;
		return answerConsole(request, state.control !== undefined);
	}

	const admin = pathname.indexOf(ADMIN_PREFIX);
	if (admin !== -1) {
		// Answered without CORS: the console is served by the API itself.
		context.admin = true;
		return state.control === undefined
			? errorReply(404, 'not_found', 'the admin API is off: createIdentityHandler needs admin: {ownerKey, masterKey}')
			: answerAdmin(request, pathname.slice(admin + ADMIN_PREFIX.length), bearerToken, info.clientIp, state.control, settings, currentTime(settings), state.guard);
	}

	if (pathname.endsWith('/v1/readiness')) {
		return readiness(request, bearerToken, info, settings, currentTime(settings), context);
	}

	const route = ROUTES.find(([suffix]) => pathname.endsWith(suffix))?.[1];
	if (route === undefined) {
		return errorReply(404, 'not_found', 'no such endpoint: the API answers POST /v1/identify, /v1/user and /v1/logout, GET /v1/readiness, /healthz and /readyz, and /v1/admin/* and /console with the control plane on');
	}

	if (request.method === 'OPTIONS') {
		return preflight(request.header('origin'), settings);
	}

	if (request.method !== 'POST') {
		return errorReply(405, 'method_not_allowed', `/v1/${route} answers POST only`, {headers: {Allow: ALLOWED_METHODS}});
	}

	const body = await readJsonBody(request);
	if (!body.ok) {
		return invalid('body', body.message);
	}

	// Known before the fields are checked, so a malformed call of a known
	// client still gets that client's CORS headers and the SDK can read why.
	const token = (body.value as {clientToken?: unknown} | null)?.clientToken;
	const client = typeof token === 'string' ? settings.clients.get(token) : undefined;
	context.client = client;
	const checked = checkCall(route, body.value);
	if (!checked.ok) {
		return invalid(checked.field, checked.message);
	}

	const call = checked.call;
	context.call = call;

	if (client === undefined) {
		return errorReply(401, 'unknown_client_token', 'no client has this client token: copy it again from your dashboard');
	}

	const now = currentTime(settings);
	sweepNowAndThen(state, now);
	const key = {route, clientToken: call.clientToken, anonymousId: call.anonymousId, messageId: call.messageId};
	// sentAt changes between a call and its retry; everything else must not.
	// The parsed body is this call's own and read no more, so sentAt is
	// blanked in place (JSON leaves an undefined value out).
	const fields = body.value as Record<string, unknown>;
	fields.sentAt = undefined;
	const content = {body: fields, call, bearerToken};
	// Counted inside `once`, so a retry answered from memory does not count.
	// The address first (see rateLimited): a call it refuses makes no counter
	// for the visitor id, which a flood from one address makes fresh each
	// call, and which would otherwise push the address's own counter out.
	// A store with claimAndCount counts them with the claim, in one step.
	const limits = callLimits(settings.rateLimit, call.clientToken, call.anonymousId, info.clientIp);
	const count = {limits, windowMs: settings.rateLimit.windowMs, now};
	const {reply, replayed} = await replies.once(
		key,
		content,
		now,
		(counts) => {
			const limiting = counts === undefined ? rateLimited(settings.store, limits, settings.rateLimit.windowMs, now) : refusedBy(limits, counts, settings.rateLimit.windowMs, now);
			return isPromise(limiting) ? limiting.then((refused) => refused ?? apply(call, state, client, request, now)) : limiting ?? apply(call, state, client, request, now);
		},
		count,
	);
	context.note = replayed ? 'replayed' : undefined;
	return reply;
}

function currentTime(settings: Settings): Date {
	const now = settings.now();
	if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
		throw new TypeError('config.now must answer a valid Date');
	}

	return now;
}

// The store forgets expired entries when asked; once a minute is enough,
// and a failing sweep must not fail the call that happened to start it.
function sweepNowAndThen(state: State, now: Date): void {
	if (Math.abs(now.getTime() - state.sweptAt) < SWEEP_EVERY_MS) {
		return;
	}

	state.sweptAt = now.getTime();
	Promise.resolve()
		.then(() => state.settings.store.sweep(now))
		.catch(() => {});
}

function apply(call: Call, {settings, sessionReuse}: State, client: Client, request: CallRequest, now: Date): MaybePromise<Reply> {
	switch (call.route) {
		case 'identify':
			return identify(settings, client, call, now, sessionReuse);
		case 'user':
			return updateUser(settings, client, call, request, now);
		case 'logout':
			return logout(settings, client, request, now);
	}
}

// Answers tied to a client use its origins; the others (unreadable body,
// unknown client, 404) use every client's, as a preflight does.
function allowedOriginFor(context: Context, origin: string | null, settings: Settings): string | undefined {
	return context.admin === true ? undefined : allowedOrigin(origin, context.client?.origins ?? settings.origins);
}

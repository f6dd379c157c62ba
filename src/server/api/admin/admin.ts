// The admin API (SPEC §6): every call authenticated by its bearer
// credential, its role checked against the route, failed attempts limited
// per caller address, bodies of at most 16 KiB. No CORS: the console is
// served by the API itself.
import type {Settings} from '../../config/settings';
import type {Actor, ControlPlane} from '../../control/control-plane';
import {compoundKey} from '../../store/compound-key';
import type {AdminRole} from '../../store/registry';
import type {CallRequest} from '../call-request';
import {readJsonBody} from '../read-body';
import {type AdminChange, errorReply, invalid, type Reply} from '../reply';
import {clientOutcomes, clientReadiness, createClient, getClient, listClients, updateClient} from './clients';
import type {AdminCall} from './context';
import {auditLog, createCredential, listCredentials, me, revokeCredential} from './credentials';
import {createKey, deleteKey, retireKey} from './keys';

/** Failed admin calls (no or a wrong credential) allowed per caller address in a rate-limit window; past it, every call from there answers 429. @example ADMIN_FAILURES_PER_WINDOW // 30 */
export const ADMIN_FAILURES_PER_WINDOW = 30;

/** The largest admin body, in bytes: past it, 413. @example MAX_ADMIN_BODY_BYTES // 16_384 */
export const MAX_ADMIN_BODY_BYTES = 16 * 1024;

type Route = {
	method: string;
	path: RegExp;
	role: AdminRole;
	/** Whether the route reads a JSON body: required, or optional (an empty body is `{}`). */
	body?: 'required' | 'optional';
	/** The change a route makes, as metrics count it (the audit log's action). */
	action?: string;
	run: (call: AdminCall, ...parameters: string[]) => Reply | Promise<Reply>;
};

const RANK: Record<AdminRole, number> = {viewer: 0, admin: 1, owner: 2};

const ROUTES: Route[] = [
	{method: 'GET', path: /^me$/, role: 'viewer', run: me},
	{method: 'GET', path: /^clients$/, role: 'viewer', run: listClients},
	{method: 'POST', path: /^clients$/, role: 'admin', body: 'required', action: 'client.create', run: createClient},
	{method: 'GET', path: /^clients\/([^/]+)$/, role: 'viewer', run: getClient},
	{method: 'PATCH', path: /^clients\/([^/]+)$/, role: 'admin', body: 'required', action: 'client.update', run: updateClient},
	{method: 'POST', path: /^clients\/([^/]+)\/keys$/, role: 'admin', body: 'required', action: 'key.create', run: createKey},
	{method: 'POST', path: /^clients\/([^/]+)\/keys\/([^/]+)\/retire$/, role: 'admin', body: 'optional', action: 'key.retire', run: retireKey},
	{method: 'DELETE', path: /^clients\/([^/]+)\/keys\/([^/]+)$/, role: 'admin', action: 'key.delete', run: deleteKey},
	{method: 'GET', path: /^clients\/([^/]+)\/readiness$/, role: 'viewer', run: clientReadiness},
	{method: 'GET', path: /^clients\/([^/]+)\/outcomes$/, role: 'viewer', run: clientOutcomes},
	{method: 'GET', path: /^audit$/, role: 'viewer', run: auditLog},
	{method: 'GET', path: /^credentials$/, role: 'owner', run: listCredentials},
	{method: 'POST', path: /^credentials$/, role: 'owner', body: 'required', action: 'credential.create', run: createCredential},
	{method: 'DELETE', path: /^credentials\/([^/]+)$/, role: 'owner', action: 'credential.revoke', run: revokeCredential},
];

// Addresses held off at once before the ended windows are swept out of the map.
const MAX_HELD_OFF = 10_000;

const UNAUTHORIZED = 'the admin API needs Authorization: Bearer <credential>: the owner key, or a credential made through /v1/admin/credentials';

/**
 * Answers one call under `/v1/admin/`: `path` is what follows that prefix.
 * 401 `admin_unauthorized` for no, a wrong or a revoked credential (one
 * answer for all three), 403 `admin_forbidden` for too low a role, 404 for
 * a route or a thing that does not exist, 429 once an address failed
 * {@link ADMIN_FAILURES_PER_WINDOW} times in a window (right key or not, so
 * a guess learns nothing), 413 for a body over 16 KiB.
 *
 * @example
 * return answerAdmin(request, 'clients', bearerToken, info.clientIp, control, settings, now, guard);
 */
export async function answerAdmin(request: CallRequest, path: string, bearerToken: string | undefined, clientIp: string | undefined, control: ControlPlane, settings: Settings, now: Date, guard: AdminGuard): Promise<Reply> {
	const held = guard.heldOff(clientIp, now);
	if (held !== undefined) {
		return held;
	}

	const actor = control.authenticate(bearerToken);
	if (actor === undefined) {
		return guard.failed(settings, clientIp, now);
	}

	const matches = ROUTES.map((route) => ({route, match: route.path.exec(path)})).filter(({match}) => match !== null);
	if (matches.length === 0) {
		return errorReply(404, 'not_found', 'no such admin route (see SPEC §6 or docs/reference-api.md)');
	}

	const found = matches.find(({route}) => route.method === request.method);
	if (found === undefined) {
		const allowed = matches.map(({route}) => route.method).join(', ');
		return errorReply(405, 'method_not_allowed', `this admin route answers ${allowed}`, {headers: {Allow: allowed}});
	}

	const {route, match} = found;
	if (RANK[actor.role] < RANK[route.role]) {
		return errorReply(403, 'admin_forbidden', `this needs the role ${route.role}; the credential has ${actor.role}`);
	}

	let parameters: string[];
	try {
		parameters = match!.slice(1).map((part) => decodeURIComponent(part));
	} catch {
		return errorReply(404, 'not_found', 'no such admin route (a path part is not valid percent-encoding)');
	}

	let body: unknown;
	if (route.body !== undefined) {
		const empty = route.body === 'optional' && (request.header('content-length') ?? '0') === '0';
		const read = empty ? {ok: true as const, value: {}} : await readJsonBody(request, MAX_ADMIN_BODY_BYTES);
		if (!read.ok) {
			return read.tooLarge === true ? errorReply(413, 'payload_too_large', read.message) : invalid('body', read.message);
		}

		body = read.value;
	}

	const reply = await route.run({control, settings, actor, now, query: new URLSearchParams(request.search), body}, ...parameters);
	if (route.action !== undefined && reply.status < 300) {
		reply.meta = {change: changeOf(route.action, actor, parameters, reply)};
	}

	return reply;
}

// What a change was made to, from the path, or from the answer for what it made (a new client, key or credential).
function changeOf(action: string, actor: Actor, parameters: string[], reply: Reply): AdminChange {
	const made = reply.body as {client?: {token?: string}; key?: {id?: string}; credential?: {id?: string}} | undefined;
	const change: AdminChange = {action, actor: {id: actor.id, role: actor.role}};
	if (action.startsWith('credential.')) {
		change.credentialId = parameters[0] ?? made?.credential?.id;
		return change;
	}

	change.clientToken = parameters[0] ?? made?.client?.token;
	change.keyId = parameters[1] ?? made?.key?.id;
	return change;
}

/**
 * Failed admin calls per caller address: counted in the store (every
 * instance shares the count), and once an address is past
 * {@link ADMIN_FAILURES_PER_WINDOW}, held off here until the window ends
 * without looking at its key.
 *
 * @example
 * const guard = new AdminGuard();
 */
export class AdminGuard {
	/** Addresses held off, and until when (ms). */
	readonly #heldOff = new Map<string, number>();

	/** The 429 for an address held off, else undefined. */
	heldOff(clientIp: string | undefined, now: Date): Reply | undefined {
		const until = this.#heldOff.get(clientIp ?? '');
		if (until === undefined) {
			return undefined;
		}

		if (until <= now.getTime()) {
			this.#heldOff.delete(clientIp ?? '');
			return undefined;
		}

		return tooMany(until, now);
	}

	/** Counts a failed call: 401, or 429 once the address is past the limit. */
	async failed(settings: Settings, clientIp: string | undefined, now: Date): Promise<Reply> {
		const {windowMs} = settings.rateLimit;
		const [count] = await settings.store.countCalls([compoundKey('admin-failure', clientIp ?? '')], windowMs, now);
		if (count <= ADMIN_FAILURES_PER_WINDOW) {
			const reply = errorReply(401, 'admin_unauthorized', UNAUTHORIZED);
			// One wrong key is a typo; a second from the same address in a window is worth a warning.
			reply.meta = {suspicious: count > 1};
			return reply;
		}

		const until = Math.floor(now.getTime() / windowMs) * windowMs + windowMs;
		// Bounded: addresses whose window has ended are forgotten before one more is held off.
		if (this.#heldOff.size >= MAX_HELD_OFF) {
			this.#heldOff.forEach((end, address) => end <= now.getTime() && this.#heldOff.delete(address));
		}

		this.#heldOff.set(clientIp ?? '', until);
		return tooMany(until, now);
	}
}

function tooMany(until: number, now: Date): Reply {
	const retryAfter = String(Math.max(1, Math.ceil((until - now.getTime()) / 1000)));
	return errorReply(429, 'rate_limited', `too many failed admin calls from this address: retry in ${retryAfter} s`, {headers: {'Retry-After': retryAfter}});
}

// The admin routes of clients: list, make, read, change (name, origins,
// enforcement: switched on only when readiness says it is safe, or forced),
// and a client's readiness and hourly outcomes.
import {randomInt} from 'node:crypto';
import {errorReply, invalid, type Reply} from '../reply';
import {hoursOf, readinessReport} from '../readiness';
import type {RegistryClient} from '../../store/registry';
import {type AdminCall, changeClient, changesOf, notFound} from './context';
import {fieldsOf, flagOf, nameOf, originsOf} from './input';
import {type ClientAnswer, configClientAnswer, registryClientAnswer} from './shapes';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A new public client token: `ct_` and 24 random base62 characters (~143 bits).
 *
 * @example
 * newClientToken() // 'ct_4fQ9…'
 */
export function newClientToken(): string {
	let token = 'ct_';
	for (let index = 0; index < 24; index++) {
		token += BASE62[randomInt(62)];
	}

	return token;
}

/**
 * `GET /v1/admin/clients`: every client, the configuration's (read-only) then the registry's.
 *
 * @example
 * await listClients(call) // {status: 200, body: {clients: […]}}
 */
export async function listClients({control}: AdminCall): Promise<Reply> {
	const {clients, keys} = await control.store.readRegistry();
	const answers: ClientAnswer[] = [
		...control.configClients().map(configClientAnswer),
		...clients.filter((client) => control.configClient(client.token) === undefined).map((client) => registryClientAnswer(client, keys.filter((key) => key.clientToken === client.token))),
	];
	return {status: 200, body: {clients: answers}};
}

/**
 * `GET /v1/admin/clients/{token}`.
 *
 * @example
 * await getClient(call, 'ct_…') // {status: 200, body: {client}}
 */
export async function getClient({control}: AdminCall, token: string): Promise<Reply> {
	const configured = control.configClient(token);
	if (configured !== undefined) {
		return {status: 200, body: {client: configClientAnswer(configured)}};
	}

	const {clients, keys} = await control.store.readRegistry();
	const client = clients.find((entry) => entry.token === token);
	return client === undefined ? notFound('client') : {status: 200, body: {client: registryClientAnswer(client, keys.filter((key) => key.clientToken === token))}};
}

/**
 * `POST /v1/admin/clients` `{name, allowedOrigins?}`: a new registry client, in monitor mode, with no key yet.
 *
 * @example
 * await createClient(call) // {status: 201, body: {client}}
 */
export async function createClient(call: AdminCall): Promise<Reply> {
	const fields = fieldsOf(call.body, ['name', 'allowedOrigins']);
	if (!fields.ok) {
		return invalid(fields.field, fields.message);
	}

	const name = nameOf(fields.value.name, 'name');
	const origins = fields.value.allowedOrigins === undefined ? {ok: true as const, value: []} : originsOf(fields.value.allowedOrigins);
	for (const checked of [name, origins]) {
		if (!checked.ok) {
			return invalid(checked.field, checked.message);
		}
	}

	const {control, actor, now} = call;
	const at = now.toISOString();
	const client: RegistryClient = {token: newClientToken(), name: name.ok ? name.value : '', enforce: false, allowedOrigins: origins.ok ? origins.value : [], createdAt: at, updatedAt: at, revision: 0};
	const event = {at, actor: {id: actor.id, role: actor.role}, action: 'client.create', clientToken: client.token, changes: changesOf({}, {name: client.name, allowedOrigins: client.allowedOrigins, enforce: false})};
	// A token of 143 random bits is new; a conflict here would be a store that lost track.
	if ((await control.store.writeRegistry({client, expectedRevision: null}, event)) !== 'ok') {
		return errorReply(409, 'conflict', 'a client with this token exists already: try again');
	}

	await control.refresh().catch(() => {});
	return {status: 201, body: {client: registryClientAnswer({...client, revision: 1}, [])}};
}

/**
 * `PATCH /v1/admin/clients/{token}` `{name?, allowedOrigins?, enforce?, force?}`.
 * Enforcement goes on only when the readiness of the last day says it is
 * safe (else 409 `not_ready` with the report), unless `force: true`; off is
 * always allowed.
 *
 * @example
 * await updateClient(call, 'ct_…') // {status: 200, body: {client}}
 */
export async function updateClient(call: AdminCall, token: string): Promise<Reply> {
	const fields = fieldsOf(call.body, ['name', 'allowedOrigins', 'enforce', 'force']);
	if (!fields.ok) {
		return invalid(fields.field, fields.message);
	}

	const {name, allowedOrigins, enforce, force} = fields.value;
	const checks = [
		name === undefined ? undefined : nameOf(name, 'name'),
		allowedOrigins === undefined ? undefined : originsOf(allowedOrigins),
		flagOf(enforce, 'enforce'),
		flagOf(force, 'force'),
	];
	for (const checked of checks) {
		if (checked !== undefined && !checked.ok) {
			return invalid(checked.field, checked.message);
		}
	}

	const origins = checks[1]?.ok ? (checks[1].value as string[]) : undefined;
	return changeClient(call, token, async (client, keys) => {
		if (enforce === true && !client.enforce && force !== true) {
			const readiness = await readinessReport(call.settings, token, 24, call.now);
			if (!readiness.safeToEnforce) {
				const refusal = errorReply(409, 'not_ready', 'readiness says enforcement would refuse calls now: fix what it reports, or send force: true');
				return {...refusal, body: {...(refusal.body as object), readiness}};
			}
		}

		const after = {name: name as string | undefined, allowedOrigins: origins, enforce: enforce as boolean | undefined};
		const changes = changesOf(client, after);
		return {
			client: Object.fromEntries(Object.entries(after).filter(([, value]) => value !== undefined)),
			event: {action: 'client.update', changes},
			answer: (changed, current) => ({status: 200, body: {client: registryClientAnswer(changed, current)}}),
		};
	});
}

/**
 * `GET /v1/admin/clients/{token}/readiness[?hours=]`: the readiness report of SPEC §3.
 *
 * @example
 * await clientReadiness(call, 'ct_…') // {status: 200, body: {total, byCode, …, safeToEnforce}}
 */
export async function clientReadiness(call: AdminCall, token: string): Promise<Reply> {
	if (!(await clientExists(call, token))) {
		return notFound('client');
	}

	const hours = hoursOf(call.query);
	return hours === undefined ? invalid('hours', 'hours must be a whole number of hours from 1 to 168') : {status: 200, body: await readinessReport(call.settings, token, hours, call.now)};
}

/**
 * `GET /v1/admin/clients/{token}/outcomes?hours=24`: one entry per hour,
 * oldest first, with the verified calls and the counts by code.
 *
 * @example
 * await clientOutcomes(call, 'ct_…') // {status: 200, body: {hours: [{at, verified, byCode}, …]}}
 */
export async function clientOutcomes(call: AdminCall, token: string): Promise<Reply> {
	if (!(await clientExists(call, token))) {
		return notFound('client');
	}

	const hours = hoursOf(call.query);
	if (hours === undefined) {
		return invalid('hours', 'hours must be a whole number of hours from 1 to 168');
	}

	// Totals since each hour's start, newest hour first; an hour's counts are
	// the difference between its total and the next one's.
	const hourMs = 3_600_000;
	const current = Math.floor(call.now.getTime() / hourMs) * hourMs;
	const starts = Array.from({length: hours}, (_, index) => current - (hours - 1 - index) * hourMs);
	const totals = await Promise.all(starts.map((start) => call.settings.store.readiness(token, new Date(start))));
	const entries = starts.map((start, index) => {
		const byCode: Record<string, number> = {};
		const later = totals[index + 1]?.byCode ?? {};
		for (const [code, count] of Object.entries(totals[index].byCode)) {
			const inHour = count - (later[code] ?? 0);
			if (inHour > 0) {
				byCode[code] = inHour;
			}
		}

		return {at: new Date(start).toISOString(), verified: byCode.ok ?? 0, byCode};
	});
	return {status: 200, body: {hours: entries}};
}

async function clientExists({control}: AdminCall, token: string): Promise<boolean> {
	return control.configClient(token) !== undefined || (await control.store.readRegistry()).clients.some((client) => client.token === token);
}

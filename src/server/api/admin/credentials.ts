// Who may use the admin API: the caller itself (me), the credentials the
// owner makes and revokes (a key shown once, kept as a digest), and the
// audit log.
import {createHash, randomBytes} from 'node:crypto';
import type {AdminCredential} from '../../store/registry';
import {invalid, type Reply} from '../reply';
import {type AdminCall, notFound} from './context';
import {fieldsOf, nameOf, roleOf} from './input';

/** The most audit events one answer holds. @example MAX_AUDIT_LIMIT // 1000 */
export const MAX_AUDIT_LIMIT = 1000;

// A credential as answered: never its digest.
const credentialAnswer = ({id, name, role, createdAt, revokedAt}: AdminCredential) => ({id, name, role, createdAt, revokedAt});

/**
 * `GET /v1/admin/me`: who the bearer is, so the console shows only what the role may do.
 *
 * @example
 * me(call) // {status: 200, body: {credential: {id: 'owner', name: 'owner', role: 'owner'}}}
 */
export function me({actor}: AdminCall): Reply {
	return {status: 200, body: {credential: {id: actor.id, name: actor.name, role: actor.role}}};
}

/**
 * `GET /v1/admin/credentials` (owner): every credential made, revoked ones too.
 *
 * @example
 * await listCredentials(call) // {status: 200, body: {credentials: [{id, name, role, createdAt, revokedAt}]}}
 */
export async function listCredentials({control}: AdminCall): Promise<Reply> {
	const {credentials} = await control.store.readRegistry();
	return {status: 200, body: {credentials: credentials.map(credentialAnswer)}};
}

/**
 * `POST /v1/admin/credentials` `{name, role}` (owner) → 201 `{credential,
 * key}`: the key in this answer only; the store keeps its SHA-256.
 *
 * @example
 * await createCredential(call) // {status: 201, body: {credential: {id, name, role, …}, key: 'sak_…'}}
 */
export async function createCredential(call: AdminCall): Promise<Reply> {
	const fields = fieldsOf(call.body, ['name', 'role']);
	if (!fields.ok) {
		return invalid(fields.field, fields.message);
	}

	const name = nameOf(fields.value.name, 'name');
	const role = roleOf(fields.value.role);
	if (!name.ok || !role.ok) {
		const failed = !name.ok ? name : (role as {field: string; message: string});
		return invalid(failed.field, failed.message);
	}

	const key = `sak_${randomBytes(32).toString('base64url')}`;
	const at = call.now.toISOString();
	const credential: AdminCredential = {
		id: `cred_${randomBytes(12).toString('base64url')}`,
		name: name.value,
		role: role.value,
		digest: createHash('sha256').update(key, 'utf8').digest('hex'),
		createdAt: at,
		revokedAt: null,
	};
	const changes = {name: {from: null, to: credential.name}, role: {from: null, to: credential.role}};
	await call.control.store.writeRegistry({credential}, {at, actor: {id: call.actor.id, role: call.actor.role}, action: 'credential.create', changes});
	await call.control.refresh().catch(() => {});
	return {status: 201, body: {credential: credentialAnswer(credential), key}};
}

/**
 * `DELETE /v1/admin/credentials/{id}` (owner) → 204: the key stops working
 * on every instance within a poll.
 *
 * @example
 * await revokeCredential(call, 'cred_…') // {status: 204}
 */
export async function revokeCredential(call: AdminCall, id: string): Promise<Reply> {
	const {credentials} = await call.control.store.readRegistry();
	const credential = credentials.find((entry) => entry.id === id);
	if (credential === undefined) {
		return notFound('credential');
	}

	if (credential.revokedAt === null) {
		const at = call.now.toISOString();
		const changes = {revokedAt: {from: null, to: at}};
		await call.control.store.writeRegistry({credential: {...credential, revokedAt: at}}, {at, actor: {id: call.actor.id, role: call.actor.role}, action: 'credential.revoke', changes});
		await call.control.refresh().catch(() => {});
	}

	return {status: 204, body: undefined};
}

/**
 * `GET /v1/admin/audit?clientToken=&limit=`: the newest events first (100 by default).
 *
 * @example
 * await auditLog(call) // {status: 200, body: {events: [{at, actor: {id, role}, action, clientToken, keyId, changes}]}}
 */
export async function auditLog({control, query}: AdminCall): Promise<Reply> {
	const limitText = query.get('limit') ?? '100';
	const limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : 0;
	if (limit < 1 || limit > MAX_AUDIT_LIMIT) {
		return invalid('limit', `limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT}`);
	}

	const clientToken = query.get('clientToken') ?? undefined;
	return {status: 200, body: {events: await control.store.auditEvents({clientToken: clientToken === '' ? undefined : clientToken, limit})}};
}

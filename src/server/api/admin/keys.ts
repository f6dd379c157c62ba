// The admin routes of a client's keys: make one (a secret shown once, or a
// public JWK), retire one (it verifies nothing from then on and only names
// the hint retired_key), delete one (never an enforcing client's last).
import {randomBytes} from 'node:crypto';
import {sealSecret} from '../../control/sealed-secrets';
import type {RegistryKey} from '../../store/registry';
import {errorReply, invalid, type Reply} from '../reply';
import {type AdminCall, changeClient, notFound} from './context';
import {fieldsOf, keyRequestOf} from './input';
import {fingerprintOf, keyAnswer} from './shapes';

/**
 * `POST /v1/admin/clients/{token}/keys` `{type: 'secret', use?}` → 201
 * `{key, secret}` (the secret in this answer only: 32 random bytes,
 * base64url), or `{type: 'public', jwk}` → 201 `{key}`.
 *
 * @example
 * await createKey(call, 'ct_…') // {status: 201, body: {key: {id, fingerprint, …}, secret: '…'}}
 */
export async function createKey(call: AdminCall, token: string): Promise<Reply> {
	const fields = fieldsOf(call.body, ['type', 'use', 'jwk']);
	if (!fields.ok) {
		return invalid(fields.field, fields.message);
	}

	const request = await keyRequestOf(fields.value);
	if (!request.ok) {
		return invalid(request.field, request.message);
	}

	const wanted = request.value;
	const jwk = wanted.type === 'public' ? ({...wanted.jwk} as Record<string, unknown>) : null;
	const id = `key_${randomBytes(12).toString('base64url')}`;
	const secret = wanted.type === 'secret' ? randomBytes(32).toString('base64url') : undefined;
	const key: RegistryKey = {
		clientToken: token,
		id,
		type: wanted.type,
		use: wanted.use,
		status: 'active',
		fingerprint: fingerprintOf(secret ?? jwk!),
		sealed: secret === undefined ? null : sealSecret(call.control.masterKey, token, id, secret),
		jwk,
		createdAt: call.now.toISOString(),
		retiredAt: null,
		lastUsedAt: null,
	};
	return changeClient(call, token, () => ({
		keys: [key],
		event: {action: 'key.create', keyId: id, changes: {type: {from: null, to: key.type}, use: {from: null, to: key.use}, fingerprint: {from: null, to: key.fingerprint}}},
		answer: () => ({status: 201, body: secret === undefined ? {key: keyAnswer(key)} : {key: keyAnswer(key), secret}}),
	}));
}

/**
 * `POST /v1/admin/clients/{token}/keys/{id}/retire` → `{key}`, retired.
 *
 * @example
 * await retireKey(call, 'ct_…', 'key_…') // {status: 200, body: {key: {status: 'retired', …}}}
 */
export async function retireKey(call: AdminCall, token: string, id: string): Promise<Reply> {
	const fields = fieldsOf(call.body ?? {}, []);
	if (!fields.ok) {
		return invalid(fields.field, fields.message);
	}

	return changeClient(call, token, (_, keys) => {
		const key = keys.find((entry) => entry.id === id);
		if (key === undefined) {
			return notFound('key');
		}

		if (key.status === 'retired') {
			return {status: 200, body: {key: keyAnswer(key)}};
		}

		const retired: RegistryKey = {...key, status: 'retired', retiredAt: call.now.toISOString()};
		return {
			keys: [retired],
			event: {action: 'key.retire', keyId: id, changes: {status: {from: 'active', to: 'retired'}}},
			answer: () => ({status: 200, body: {key: keyAnswer(retired)}}),
		};
	});
}

/**
 * `DELETE /v1/admin/clients/{token}/keys/{id}` → 204; 409
 * `last_active_key` for the last active key of an enforcing client (every
 * identify would then be refused).
 *
 * @example
 * await deleteKey(call, 'ct_…', 'key_…') // {status: 204}
 */
export async function deleteKey(call: AdminCall, token: string, id: string): Promise<Reply> {
	return changeClient(call, token, (client, keys) => {
		const key = keys.find((entry) => entry.id === id);
		if (key === undefined) {
			return notFound('key');
		}

		if (client.enforce && key.status === 'active' && keys.filter((entry) => entry.status === 'active').length === 1) {
			return errorReply(409, 'last_active_key', 'this is the last active key of a client that enforces verification: every identify would be refused. Make a new key first, or switch enforcement off');
		}

		return {
			deleteKeys: [id],
			event: {action: 'key.delete', keyId: id, changes: {status: {from: key.status, to: 'deleted'}}},
			answer: () => ({status: 204, body: undefined}),
		};
	});
}

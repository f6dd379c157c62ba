// Rotating the master key: every sealed secret opened with the old key and
// sealed again under the new one, client by client, each client's keys in
// one write guarded by its revision (and recorded in the audit log).
import {masterKeyFrom} from '../config/admin';
import type {RegistryKey, RegistryStore} from '../store/registry';
import {openSecret, sealSecret} from './sealed-secrets';

/**
 * Seals every secret key of the registry in `store` under `to` instead of
 * `from` (both as base64, like SIGNET_MASTER_KEY) and answers how many keys
 * it sealed again. Throws before writing anything when a key opens under
 * neither `from` nor `to` (one under `to` is left: a rotation can be run again). Running instances keep serving the keys they hold until
 * they restart with the new master key (their reads of the new seals fail
 * and change nothing), so: make no admin change meanwhile, run this, then
 * restart every instance with SIGNET_MASTER_KEY set to `to`.
 *
 * @example
 * await rotateMasterKey(store, {from: process.env.SIGNET_MASTER_KEY, to: newKey});
 */
export async function rotateMasterKey(store: RegistryStore, {from, to}: {from: string; to: string}): Promise<number> {
	const [oldKey, newKey] = [masterKeyFrom(from, 'from'), masterKeyFrom(to, 'to')];
	const registry = await store.readRegistry();
	// Every key opened first: a wrong `from` changes nothing.
	const resealed = new Map<string, RegistryKey[]>();
	for (const key of registry.keys.filter((entry) => entry.sealed !== null)) {
		const secret = openSecret(oldKey, key.clientToken, key.id, key.sealed!);
		// Sealed under the new key already: a rotation run again after it stopped halfway.
		if (secret === undefined && openSecret(newKey, key.clientToken, key.id, key.sealed!) !== undefined) {
			continue;
		}

		if (secret === undefined) {
			throw new TypeError(`rotateMasterKey: key ${key.id} of client ${JSON.stringify(key.clientToken)} does not open under the old master key (from)`);
		}

		resealed.set(key.clientToken, [...(resealed.get(key.clientToken) ?? []), {...key, sealed: sealSecret(newKey, key.clientToken, key.id, secret)}]);
	}

	const at = new Date().toISOString();
	for (const client of registry.clients.filter((entry) => resealed.has(entry.token))) {
		const keys = resealed.get(client.token)!;
		const written = await store.writeRegistry(
			{client: {...client, updatedAt: at}, expectedRevision: client.revision, keys},
			{at, actor: {id: 'owner', role: 'owner'}, action: 'master_key.rotate', clientToken: client.token, changes: {sealedKeys: {from: keys.length, to: keys.length}}},
		);
		if (written !== 'ok') {
			throw new Error(`rotateMasterKey: client ${JSON.stringify(client.token)} changed during the rotation; run it again with the same keys: those sealed under "to" already are left as they are`);
		}
	}

	return [...resealed.values()].reduce((count, keys) => count + keys.length, 0);
}

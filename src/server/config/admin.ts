// The control plane's part of the configuration (`admin`), checked.
import {randomBytes} from 'node:crypto';
import {REGISTRY_METHODS} from '../store/registry';
import type {IdentityStore} from '../store/store';
import type {AdminConfig} from './types';

/** The shortest owner key accepted: a random key, not a password. @example MIN_OWNER_KEY_LENGTH // 32 */
export const MIN_OWNER_KEY_LENGTH = 32;

/** The control plane's settings: the owner key and the master key's bytes. */
export type AdminSettings = {ownerKey: string; masterKey: Buffer; pollMs: number; variables?: AdminConfig['variables']};

/**
 * The master key from its base64 text (32 random bytes: `openssl rand
 * -base64 32`). Throws a `TypeError` naming `name` for anything else,
 * never repeating the value.
 *
 * @example
 * const masterKey = masterKeyFrom(process.env.SIGNET_MASTER_KEY, 'SIGNET_MASTER_KEY');
 */
export function masterKeyFrom(text: unknown, name = 'admin.masterKey'): Buffer {
	const key = typeof text === 'string' && /^[A-Za-z\d+/_-]{42,44}={0,2}$/.test(text.trim()) ? Buffer.from(text.trim(), 'base64') : undefined;
	if (key?.length !== 32) {
		throw new TypeError(`${name} must be 32 random bytes in base64 (make one with: openssl rand -base64 32)`);
	}

	return key;
}

/**
 * The checked `admin` configuration, or undefined without one. Throws a
 * `TypeError` naming the setting: an owner key under 32 characters, a
 * master key that is not 32 bytes of base64, a store without the registry
 * methods, or no master key with a store another process can read
 * (PostgreSQL), where secrets must be sealed under a key that outlives
 * this process. With an in-process store and no master key, one is made
 * for this process (its keys die with it anyway).
 *
 * @example
 * adminFrom({ownerKey: process.env.SIGNET_OWNER_KEY, masterKey: process.env.SIGNET_MASTER_KEY}, store)
 */
export function adminFrom(admin: AdminConfig | undefined, store: IdentityStore): AdminSettings | undefined {
	if (admin === undefined) {
		return undefined;
	}

	if (admin === null || typeof admin !== 'object') {
		throw new TypeError('admin must be {ownerKey, masterKey}');
	}

	const {ownerKey, masterKey, pollMs = 1000, variables} = admin;
	if (typeof ownerKey !== 'string' || ownerKey.length < MIN_OWNER_KEY_LENGTH) {
		throw new TypeError(`admin.ownerKey (SIGNET_OWNER_KEY) must be a random key of at least ${MIN_OWNER_KEY_LENGTH} characters`);
	}

	if (REGISTRY_METHODS.some((method) => typeof (store as Record<string, unknown>)[method] !== 'function')) {
		throw new TypeError(`admin needs a store that keeps the registry: ${REGISTRY_METHODS.join(', ')} (MemoryStore and PostgresStore do)`);
	}

	if (masterKey === undefined && store.inProcess !== true) {
		throw new TypeError('admin.masterKey (SIGNET_MASTER_KEY) is required with a store other processes share: the secret keys are sealed under it (make one with: openssl rand -base64 32)');
	}

	if (!(typeof pollMs === 'number' && pollMs >= 10 && Number.isFinite(pollMs))) {
		throw new TypeError('admin.pollMs must be a number of milliseconds, at least 10');
	}

	if (variables !== undefined && typeof variables !== 'function') {
		throw new TypeError('admin.variables must be a function of the user id and the client token');
	}

	return {ownerKey, masterKey: masterKey === undefined ? randomBytes(32) : masterKeyFrom(masterKey, 'admin.masterKey (SIGNET_MASTER_KEY)'), pollMs, variables};
}

// The admin API's answers (SPEC §6): a client with its keys, whether it
// comes from the registry or from the configuration. Never a secret.
import {createHash} from 'node:crypto';
import type {Client} from '../../config/client';
import type {KeyUse, RegistryClient, RegistryKey} from '../../store/registry';
import {publicKeyText, type PublicJwk} from '../../verify/token-keys';
import type {ClientAnswer, KeyAnswer} from '../../../shared/admin-answers';

export type {ClientAnswer, KeyAnswer};

/**
 * What names a key to a person without revealing it: the first 16 hex
 * characters of SHA-256 of a secret's text, or of a public key's RFC 7638
 * thumbprint input.
 *
 * @example
 * fingerprintOf('sk_live_…') // '3f2a…' (16 characters)
 */
export function fingerprintOf(key: string | Record<string, unknown>): string {
	const text = typeof key === 'string' ? key : publicKeyText(key as PublicJwk);
	return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

/**
 * A registry client and its keys, as answered.
 *
 * @example
 * registryClientAnswer(client, keys.filter((key) => key.clientToken === client.token))
 */
export function registryClientAnswer(client: RegistryClient, keys: RegistryKey[]): ClientAnswer {
	const {token, name, enforce, allowedOrigins, createdAt} = client;
	return {token, name, source: 'registry', enforce, allowedOrigins: [...allowedOrigins], createdAt, keys: keys.map(keyAnswer)};
}

/**
 * A registry key as answered: its record without the sealed secret or the JWK.
 *
 * @example
 * keyAnswer(key) // {id, type, use, status, fingerprint, createdAt, retiredAt, lastUsedAt}
 */
export function keyAnswer({id, type, use, status, fingerprint, createdAt, retiredAt, lastUsedAt}: RegistryKey): KeyAnswer {
	return {id, type, use, status, fingerprint, createdAt, retiredAt, lastUsedAt};
}

/**
 * A client of the configuration as answered: read-only, its keys named by
 * fingerprint (`cfg_` and the fingerprint is the id), with no times.
 *
 * @example
 * configClientAnswer(settings.clients.get('ct_demo'))
 */
export function configClientAnswer(client: Client): ClientAnswer {
	const key = (text: string | Record<string, unknown>, type: KeyAnswer['type'], use: KeyUse, status: KeyAnswer['status']): KeyAnswer => {
		const fingerprint = fingerprintOf(text);
		return {id: `cfg_${fingerprint}`, type, use, status, fingerprint, createdAt: null, retiredAt: null, lastUsedAt: null};
	};

	const keys = [
		...client.secrets.map((secret) => key(secret, 'secret', 'hash', 'active')),
		...(client.tokenKeys.tokenSecrets ?? []).map((secret) => key(secret, 'secret', 'token', 'active')),
		...(client.tokenKeys.publicKeys ?? []).map((jwk) => key(jwk as Record<string, unknown>, 'public', 'token', 'active')),
		...client.retiredSecrets.map((secret) => key(secret, 'secret', 'hash', 'retired')),
	];
	return {token: client.token, name: client.token, source: 'config', enforce: client.enforce, allowedOrigins: [...client.origins], createdAt: null, keys};
}

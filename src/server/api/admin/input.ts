// What an admin call's body may hold, checked field by field: a clear 400
// naming the field, and unknown fields refused (a typo must not be a no-op).
import {originFrom} from '../../config/origins';
import type {AdminRole, KeyUse} from '../../store/registry';
import {tokenKeyring, type PublicJwk} from '../../verify/token-keys';

/** A body's fields once checked, or the field at fault and why. */
export type Checked<T> = {ok: true; value: T} | {ok: false; field: string; message: string};

/** The longest client or credential name. @example MAX_NAME_LENGTH // 100 */
export const MAX_NAME_LENGTH = 100;

/** The most origins one client may allow. @example MAX_ORIGINS // 100 */
export const MAX_ORIGINS = 100;

const ROLES: readonly AdminRole[] = ['owner', 'admin', 'viewer'];

/**
 * `body` as an object holding only `allowed` fields, or the first field that is not.
 *
 * @example
 * fieldsOf({name: 'Shop', nmae: 'x'}, ['name']) // {ok: false, field: 'nmae', …}
 */
export function fieldsOf(body: unknown, allowed: readonly string[]): Checked<Record<string, unknown>> {
	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		return {ok: false, field: 'body', message: 'the body must be a JSON object'};
	}

	const unknown = Object.keys(body).find((key) => !allowed.includes(key));
	return unknown === undefined ? {ok: true, value: body as Record<string, unknown>} : {ok: false, field: unknown, message: `${JSON.stringify(unknown)} is not a field of this call: it takes ${allowed.join(', ')}`};
}

/**
 * A name: text of 1 to {@link MAX_NAME_LENGTH} characters, no control characters.
 *
 * @example
 * nameOf('Shop', 'name') // {ok: true, value: 'Shop'}
 */
export function nameOf(value: unknown, field: string): Checked<string> {
	return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_NAME_LENGTH && !/[\u0000-\u001f\u007f]/.test(value)
		? {ok: true, value}
		: {ok: false, field, message: `${field} must be text of 1 to ${MAX_NAME_LENGTH} characters, without control characters`};
}

/**
 * Allowed origins: a list of URLs with scheme and host (and port) only, normalised.
 *
 * @example
 * originsOf(['https://App.example.com/']) // {ok: true, value: ['https://app.example.com']}
 */
export function originsOf(value: unknown): Checked<string[]> {
	if (!Array.isArray(value) || value.length > MAX_ORIGINS) {
		return {ok: false, field: 'allowedOrigins', message: `allowedOrigins must be a list of at most ${MAX_ORIGINS} origins such as https://app.example.com`};
	}

	try {
		return {ok: true, value: [...new Set(value.map((origin) => originFrom(origin, 'allowedOrigins')))]};
	} catch (error) {
		return {ok: false, field: 'allowedOrigins', message: (error as Error).message};
	}
}

/**
 * A boolean field, when given.
 *
 * @example
 * flagOf(true, 'enforce') // {ok: true, value: true}
 */
export function flagOf(value: unknown, field: string): Checked<boolean | undefined> {
	return value === undefined || typeof value === 'boolean' ? {ok: true, value} : {ok: false, field, message: `${field} must be true or false`};
}

/**
 * A role of the admin API.
 *
 * @example
 * roleOf('viewer') // {ok: true, value: 'viewer'}
 */
export function roleOf(value: unknown): Checked<AdminRole> {
	return ROLES.includes(value as AdminRole) ? {ok: true, value: value as AdminRole} : {ok: false, field: 'role', message: `role must be one of ${ROLES.join(', ')}`};
}

/** A new key as asked for: a secret for hashes or for tokens, or a public JWK (which verifies tokens only). */
export type KeyRequest = {type: 'secret'; use: KeyUse} | {type: 'public'; use: 'token'; jwk: PublicJwk};

/**
 * The key a `POST …/keys` body asks for. A public JWK is checked as token
 * verification checks it, and imported: one with private parts, of a
 * type no algorithm fits, or off its curve is a 400 now, not a failure later.
 *
 * @example
 * await keyRequestOf({type: 'secret', use: 'token'}) // {ok: true, value: {type: 'secret', use: 'token'}}
 */
export async function keyRequestOf(body: Record<string, unknown>): Promise<Checked<KeyRequest>> {
	const {type, use, jwk} = body;
	if (type === 'secret') {
		if (jwk !== undefined) {
			return {ok: false, field: 'jwk', message: 'a secret key takes no jwk: the API makes the secret'};
		}

		return use === undefined || use === 'hash' || use === 'token' ? {ok: true, value: {type, use: use ?? 'hash'}} : {ok: false, field: 'use', message: 'use must be "hash" or "token": a key has one use'};
	}

	if (type !== 'public') {
		return {ok: false, field: 'type', message: 'type must be "secret" or "public"'};
	}

	if (use !== undefined && use !== 'token') {
		return {ok: false, field: 'use', message: 'a public key verifies identity tokens only: use must be "token"'};
	}

	try {
		// A fresh object, so the keyring's cache is this call's alone.
		await tokenKeyring({publicKeys: [jwk as PublicJwk]});
	} catch (error) {
		return {ok: false, field: 'jwk', message: (error as Error).message.replace(/^publicKeys\[0\]/, 'jwk')};
	}

	return {ok: true, value: {type, use: 'token', jwk: jwk as PublicJwk}};
}

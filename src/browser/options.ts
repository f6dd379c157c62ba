// InitOptions are normalised once, here, with their defaults beside them.
import { own } from './own';
import { refuse as refuseArgument } from './proof';
import { checkIdentify, type IdentifyCall } from './validate';
import type { InitOptions, StorageLike } from './types/options';

/** What a client runs on, once checked. */
export type Settings = {
	clientToken: string;
	apiHost: string;
	user?: IdentifyCall;
	refreshIdentity?: InitOptions['refreshIdentity'];
	timeoutMs: number;
	retries: number;
	debug: boolean;
	fetch?: typeof fetch;
	storage: {local?: StorageLike | null; session?: StorageLike | null};
};

// Any option named like a private key: it must never reach a browser.
const SECRET_NAME = /secret|private_?key/i;

// Each optional setting: its default, and for numbers their range. Its type
// is its default's; a setting with no default is a function.
const OPTIONAL: Array<[name: keyof InitOptions, fallback?: unknown, min?: number, max?: number]> = [
	['timeoutMs', 10_000, 1, 2 ** 31 - 1],
	['retries', 5, 0, 20],
	['debug', false],
	['refreshIdentity'],
	['fetch'],
	['storage', {}],
];

const refuse = (message: string): never => refuseArgument('invalid_options', message);

/**
 * Checks `init()` options and fills in defaults; throws
 * `InvalidArgumentError` (`invalid_options`, or the user's own codes).
 *
 * @example
 * normaliseOptions({clientToken: 'ct_1', apiHost: 'https://api.example.com/'}).apiHost // 'https://api.example.com'
 */
export function normaliseOptions(options: unknown): Settings {
	if (typeof options !== 'object' || options === null) {
		refuse('options must be an object');
	}

	const raw = options as InitOptions & Record<string, unknown>;
	for (const key of Object.keys(raw)) {
		if (SECRET_NAME.test(key)) {
			refuse(`${key}: private keys belong on your server`);
		}
	}

	// Own properties only, here and below: see own.ts.
	const clientToken = own(raw, 'clientToken');
	const apiHost = own(raw, 'apiHost');
	const user = own(raw, 'user');
	if (typeof clientToken !== 'string' || clientToken.trim() === '') {
		refuse('clientToken is required');
	}

	// A base URL: paths are appended to it, so no query or fragment; its
	// trailing slashes are dropped. Linear in the input's length: the host
	// ends at the first '/', and a path ends on a character that is not one,
	// so no two quantifiers can share characters and backtrack against each other.
	const base = typeof apiHost === 'string' && /^(https?:\/\/[^/?#\s]+(\/[^?#\s]*[^/?#\s])?)\/*$/i.exec(apiHost)?.[1];
	if (!base) {
		refuse('apiHost must be an http(s) URL');
	}

	const settings = {clientToken, apiHost: base} as Record<string, unknown>;
	for (const [name, fallback, min = 0, max = 0] of OPTIONAL) {
		const type = fallback === undefined ? 'function' : typeof fallback;
		// null takes the default, as undefined does.
		const value = own(raw, name) ?? fallback;
		// A number must be a whole one within its range (NaN is within none).
		if (value !== undefined && (typeof value !== type || (type === 'number' && !((value as number) >= min && (value as number) <= max && (value as number) % 1 === 0)))) {
			refuse(type === 'number' ? `${name} must be an integer from ${min} to ${max}` : `${name} must be a ${type}`);
		}

		settings[name] = value;
	}

	if (user !== undefined && (typeof user !== 'object' || user === null)) {
		refuseArgument('invalid_user_id', 'user must be an object');
	}

	// Set even when there is none: an absent settings.user would be looked up on Object.prototype.
	settings.user = user && checkIdentify(own(user, 'id'), own(user, 'metadata'), user);

	return settings as Settings;
}

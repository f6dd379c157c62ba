// InitOptions are normalised once, here, with their defaults beside them.
import { InvalidArgumentError } from './errors/invalid-argument-error';
import { checkIdentify, type IdentifyCall } from './validate';
import type { FreshVerification, InitOptions, StorageLike } from './types/options';

/** What a client runs on, once checked. */
export type Settings = {
	clientToken: string;
	apiHost: string;
	user?: IdentifyCall;
	refreshIdentity?: (context: {userId: string}) => Promise<FreshVerification>;
	timeoutMs: number;
	retries: number;
	debug: boolean;
	fetch?: typeof fetch;
	storage: {local?: StorageLike | null; session?: StorageLike | null};
};

// Any option named like a private key: it must never reach a browser.
const SECRET_NAME = /secret|private_?key/i;

const isFunction = (value: unknown) => typeof value === 'function';

// Each optional setting: its default, what it must be, and what to say if it is not.
const OPTIONAL: Array<[name: keyof InitOptions, fallback: unknown, valid: (value: any) => boolean, rule: string]> = [
	// typeof first: a comparison alone would let '300' or true through.
	['timeoutMs', 10_000, (value) => typeof value === 'number' && value > 0 && value < 2 ** 31, 'a positive number of milliseconds'],
	['retries', 5, (value) => Number.isInteger(value) && value >= 0 && value <= 20, 'an integer from 0 to 20'],
	['debug', false, (value) => typeof value === 'boolean', 'a boolean'],
	['refreshIdentity', undefined, isFunction, 'a function'],
	['fetch', undefined, isFunction, 'a function'],
	['storage', {}, (value) => typeof value === 'object' && value !== null, 'an object: { local, session }'],
];

function refuse(message: string): never {
	throw new InvalidArgumentError('invalid_options', message);
}

/**
 * Checks `init()` options and fills in defaults; throws
 * `InvalidArgumentError` (`invalid_options`, or the user's own codes).
 *
 * @example
 * normaliseOptions({clientToken: 'ct_1', apiHost: 'https://api.example.com/'}).apiHost // 'https://api.example.com'
 */
export function normaliseOptions(options: unknown): Settings {
	if (typeof options !== 'object' || options === null) {
		refuse('init() needs { clientToken, apiHost }.');
	}

	const raw = options as InitOptions & Record<string, unknown>;
	for (const key of Object.keys(raw)) {
		if (SECRET_NAME.test(key)) {
			refuse(`"${key}": the private key belongs on your server, never in the browser. Sign there with signIdentity and pass only the hash.`);
		}
	}

	const {clientToken, apiHost, user} = raw;
	if (typeof clientToken !== 'string' || clientToken.trim() === '') {
		refuse('clientToken is required.');
	}

	if (typeof apiHost !== 'string' || !/^https?:\/\/[^/?#\s]/i.test(apiHost)) {
		refuse('apiHost must be an http(s) URL.');
	}

	const settings = {clientToken, apiHost: apiHost.replace(/\/+$/, '')} as Record<string, unknown>;
	for (const [name, fallback, valid, rule] of OPTIONAL) {
		const value = raw[name] ?? fallback;
		if (value !== undefined && !valid(value)) {
			refuse(`${name} must be ${rule}.`);
		}

		settings[name] = value;
	}

	if (user !== undefined) {
		if (typeof user !== 'object' || user === null) {
			throw new InvalidArgumentError('invalid_user_id', 'user must be { id, metadata, hash, expiration }.');
		}

		settings.user = checkIdentify(user.id, user.metadata, user);
	}

	return settings as Settings;
}

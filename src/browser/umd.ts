// The script-tag entry, and the only module that touches window.Signet:
// it takes over from the snippet's stub, replays what the stub recorded,
// and leaves the real API in its place.
import { invoke, METHODS, replay, type Method, type RecordedCall } from './buffer';
import { createClient } from './client';
import { ApiError } from './errors/api-error';
import { IdentityChangedError } from './errors/identity-changed-error';
import { IdentityVerificationError } from './errors/identity-verification-error';
import { InvalidArgumentError } from './errors/invalid-argument-error';
import { NetworkError } from './errors/network-error';
import { NotInitializedError } from './errors/not-initialized-error';
import { SignetError } from './errors/signet-error';

type GlobalApi = ((method: Method, ...args: unknown[]) => unknown) & Record<Method, (...args: any[]) => unknown> & {
	loaded: true;
	SignetError: typeof SignetError;
	InvalidArgumentError: typeof InvalidArgumentError;
	NotInitializedError: typeof NotInitializedError;
	IdentityVerificationError: typeof IdentityVerificationError;
	NetworkError: typeof NetworkError;
	ApiError: typeof ApiError;
	IdentityChangedError: typeof IdentityChangedError;
};

type Stub = {q?: RecordedCall[]; loaded?: boolean};

function createGlobalApi(): GlobalApi {
	const client = createClient();
	// The command form, Signet('identifyUser', …), answers what the method answers.
	const api = ((method: Method, ...args: unknown[]) => invoke(api, method, args)) as GlobalApi;
	for (const method of METHODS) {
		api[method] = client[method];
	}

	return Object.assign(api, {loaded: true as const, SignetError, InvalidArgumentError, NotInitializedError, IdentityVerificationError, NetworkError, ApiError, IdentityChangedError});
}

function install(): GlobalApi {
	const scope = typeof window === 'undefined' ? undefined : (window as unknown as {Signet?: Stub & GlobalApi});
	const existing = scope?.Signet;
	// Loaded twice (a script tag and the snippet): the first copy keeps its state.
	if (existing?.loaded === true) {
		return existing;
	}

	const api = createGlobalApi();
	if (scope) {
		scope.Signet = api;
		if (Array.isArray(existing?.q)) {
			replay(existing.q, api);
		}
	}

	return api;
}

export default install();

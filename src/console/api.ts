// The console's calls to the admin API (SPEC §6), same origin: the
// credential lives in this module's memory only (no cookie, no storage,
// nothing in a URL), so a closed tab is signed out.

/**
 * A failed call, in words a person can act on; `code` is the API's (`network` when it could not be reached).
 *
 * @example
 * error instanceof ApiError && error.code === 'not_ready'
 */
export class ApiError extends Error {
	override readonly name = 'ApiError';

	constructor(
		message: string,
		readonly status: number,
		readonly code: string,
		/** The answer's body, for a 409 `not_ready` that carries the readiness report. */
		readonly body: unknown,
	) {
		super(message);
	}
}

let credential: string | undefined;

/**
 * Keeps the credential for the calls that follow, or forgets it (`undefined`): in this module only.
 *
 * @example
 * holdCredential(pasted); // then call('GET', 'me')
 */
export function holdCredential(key: string | undefined): void {
	credential = key;
}

// Relative to the page (…/console), so an API mounted under a prefix works unchanged.
const base = () => new URL('v1/admin/', document.baseURI);

/**
 * One admin call: the parsed answer, or an {@link ApiError} whose message
 * says what went wrong (the API's own message when it gave one).
 *
 * @example
 * const {clients} = await call<{clients: Client[]}>('GET', 'clients');
 */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
	let response: Response;
	try {
		response = await fetch(new URL(path, base()), {
			method,
			headers: {Authorization: `Bearer ${credential ?? ''}`, ...(body === undefined ? {} : {'Content-Type': 'application/json'})},
			body: body === undefined ? undefined : JSON.stringify(body),
			cache: 'no-store',
			credentials: 'omit',
		});
	} catch {
		throw new ApiError('the API could not be reached: check that it is running, then try again', 0, 'network', undefined);
	}

	if (response.status === 204) {
		return undefined as T;
	}

	const answer = (await response.json().catch(() => undefined)) as {error?: {code?: string; message?: string}} | undefined;
	if (!response.ok) {
		const code = answer?.error?.code ?? 'unknown';
		throw new ApiError(messageOf(response.status, code, answer?.error?.message), response.status, code, answer);
	}

	return answer as T;
}

function messageOf(status: number, code: string, message: string | undefined): string {
	switch (code) {
		case 'admin_unauthorized':
			return 'This credential is not valid: it is wrong, mistyped or revoked.';
		case 'admin_forbidden':
			return `Your credential may not do this: ${message ?? 'its role is too low'}.`;
		default:
			return message === undefined ? `The API answered ${status} (${code}).` : `${message} (${code}).`;
	}
}

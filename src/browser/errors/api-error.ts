import { SignetError } from './signet-error';

/**
 * The API answered with an error that is not about verification: an
 * unknown client token, an invalid session, a malformed call, or an answer
 * that could not be read. `status` is the HTTP status, `apiCode` the API's
 * own code (`unknown_client_token`, `session_invalid`, `invalid_request`,
 * `rate_limited`, `server_error`, `invalid_response`, …).
 *
 * @example
 * on('error', (error) => { if (error instanceof ApiError && error.status === 401) fixToken(); });
 */
export class ApiError extends SignetError {
	override name = 'ApiError' as const;
	declare readonly code: 'api_error';
	// Declared, not defined: assigned in the constructor, and no field initialiser in the shipped file.
	/** The HTTP status of the API's answer. */
	declare readonly status: number;
	/** The API's own code from the answer's body (e.g. `unknown_client_token`, `rate_limited`), or `http_{status}`. */
	declare readonly apiCode: string;

	constructor(status: number, apiCode: string, message: string) {
		super('api_error', message);
		this.status = status;
		this.apiCode = apiCode;
	}
}

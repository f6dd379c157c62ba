// The SQL of sessions: only token hashes are stored.

/** @example await pool.query({text: GET_SESSION, values: [tokenHash]}); */
export const GET_SESSION = 'SELECT * FROM signet_sessions WHERE token_hash = $1';

/**
 * Stores the sessions `rows` (a VALUES or SELECT of token hash, client
 * token, user id, anonymous id, key id, created at, expires at, seal id,
 * sealed token).
 *
 * @example
 * sessionWrite('VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)') // PUT_SESSION
 */
export function sessionWrite(rows: string): string {
	return `INSERT INTO signet_sessions (token_hash, client_token, user_id, anonymous_id, key_id, created_at, expires_at, seal_id, sealed)
	${rows}
	ON CONFLICT (token_hash) DO UPDATE SET client_token = EXCLUDED.client_token, user_id = EXCLUDED.user_id,
		anonymous_id = EXCLUDED.anonymous_id, key_id = EXCLUDED.key_id, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
		seal_id = EXCLUDED.seal_id, sealed = EXCLUDED.sealed`;
}

/** @example await pool.query({text: PUT_SESSION, values: [hash, client, user, anonymous, keyId, created, expires, sealId, sealed]}); */
export const PUT_SESSION = sessionWrite('VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)');

/** @example await pool.query({text: DELETE_SESSION, values: [tokenHash]}); */
export const DELETE_SESSION = 'DELETE FROM signet_sessions WHERE token_hash = $1';

/** Logout: by the index on (client_token, user_id, anonymous_id). @example await pool.query({text: DELETE_SESSIONS, values}); */
export const DELETE_SESSIONS = 'DELETE FROM signet_sessions WHERE client_token = $1 AND user_id = $2 AND anonymous_id = $3';

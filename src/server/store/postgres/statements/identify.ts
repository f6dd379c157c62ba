// The SQL of a verified identify's writes, from those of users and sessions.
import {input, isoText} from './fragments';
import {sessionWrite} from './sessions';
import {CHANGE, mergeUsers} from './users';

// The columns of a session, stored only when its call's change applied.
const SESSION: Array<[string, string]> = [
	['token_hash', 'text'],
	['session_client_token', 'text'],
	['session_user_id', 'text'],
	['session_anonymous_id', 'text'],
	['key_id', 'text'],
	['session_created', 'timestamptz'],
	['session_expires', 'timestamptz'],
	['seal_id', 'text'],
	['sealed', 'text'],
	['reuse_from', 'timestamptz'],
];

// The visitor's newest live session a call may answer again (see
// IdentifyWrite): same owner and key, sealed under the same proof, ending
// late enough and no later than a new one would. By the index on (client,
// user, visitor), one lookup per call.
const REUSABLE = `found AS (
	SELECT input.client_token, input.user_id, s.* FROM input CROSS JOIN LATERAL (
		SELECT token_hash AS found_hash, ${isoText('created_at')}, ${isoText('expires_at')}, sealed AS found_sealed FROM signet_sessions AS s
		WHERE input.reuse_from IS NOT NULL AND s.client_token = input.session_client_token AND s.user_id = input.session_user_id
			AND s.anonymous_id = input.session_anonymous_id AND s.key_id = input.key_id AND s.seal_id = input.seal_id
			AND s.expires_at >= input.reuse_from AND s.expires_at <= input.session_expires
		ORDER BY s.expires_at DESC LIMIT 1
	) AS s
)`;

/**
 * Verified identifies' writes in one statement, so one round trip and one
 * commit for them all: each call's change as {@link MERGE_USERS} applies
 * it (its outcome is counted in memory: see PendingOutcomes), and its session
 * as {@link PUT_SESSION} stores it, only when the change applied and no
 * live session of the visitor may be answered again (`found`). $1 the
 * calls (the columns of both), $2 most metadata bytes, $3 most
 * anonymous ids.
 * Answers the records after the calls, each with the session found for it
 * (found_hash, created_at, expires_at, found_sealed; null when none). It
 * commits synchronously, so what the API answers is on disk; a batch of
 * page reloads that changes nothing writes no row, so it has no commit to
 * wait for.
 *
 * @example
 * const {rows} = await pool.query({name: 'signet_apply_identifies', text: APPLY_IDENTIFIES, values});
 */
export const APPLY_IDENTIFIES = `
WITH ${input([...CHANGE, ...SESSION])}, ${mergeUsers('$2', '$3')}, ${REUSABLE}, session AS (
	${sessionWrite(`SELECT token_hash, session_client_token, session_user_id, session_anonymous_id, key_id, session_created, session_expires, seal_id, sealed FROM input
	WHERE EXISTS (SELECT 1 FROM users AS m WHERE m.client_token = input.client_token AND m.user_id = input.user_id)
		AND NOT EXISTS (SELECT 1 FROM found AS f WHERE f.client_token = input.client_token AND f.user_id = input.user_id) ORDER BY token_hash`)}
)
SELECT users.*, found.found_hash, found.created_at AS found_created, found.expires_at AS found_expires, found.found_sealed
FROM users LEFT JOIN found ON found.client_token = users.client_token AND found.user_id = users.user_id`;

// The SQL of a verified identify's writes, from those of users, outcomes and sessions.
import {ASYNC_COMMIT, input} from './fragments';
import {OUTCOME, OUTCOME_WRITES} from './outcomes';
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
];

/**
 * Verified identifies' writes in one statement, so one round trip and one
 * commit for them all: each call's change as {@link MERGE_USERS} applies
 * it, its outcome as {@link RECORD_OUTCOMES} records it, and its session
 * as {@link PUT_SESSION} stores it, only when the change applied. $1 the
 * calls (the columns of all three), $2 most metadata bytes, $3 most
 * anonymous ids.
 * Answers the records changed. It commits without waiting for the disk
 * (see ASYNC_COMMIT): each call's finishReply does.
 *
 * @example
 * const {rows} = await pool.query({name: 'signet_apply_identifies', text: APPLY_IDENTIFIES, values});
 */
export const APPLY_IDENTIFIES = `
WITH ${input([...CHANGE, ...OUTCOME, ...SESSION], ASYNC_COMMIT)}, ${mergeUsers('$2', '$3')}, ${OUTCOME_WRITES}, session AS (
	${sessionWrite(`SELECT token_hash, session_client_token, session_user_id, session_anonymous_id, key_id, session_created, session_expires FROM input
	WHERE EXISTS (SELECT 1 FROM users AS m WHERE m.client_token = input.client_token AND m.user_id = input.user_id) ORDER BY token_hash`)}
)
SELECT * FROM users`;

// The SQL of the user records: the UserChange rules of ../../store.ts in
// the same words (see fragments.ts for how a statement takes its calls).
import {input, isoText} from './fragments';

/** The columns of a `signet_users` row, its times as ISO text (see `toUser`). @example `SELECT ${USER_COLUMNS} FROM signet_users` */
export const USER_COLUMNS = [
	'client_token',
	'user_id',
	'metadata',
	'signed_keys',
	'anonymous_ids',
	'verified',
	'verification',
	isoText('verified_at'),
	'unverified_calls',
	isoText('created_at'),
	isoText('updated_at'),
	'applied',
].join(', ');

// The proposed row (EXCLUDED) carries each call's change into the
// upsert's UPDATE: `metadata` is the call's metadata with its attributes
// over it, `signed_keys` the attributes' keys, `anonymous_ids` the one id.
// Rule 1: a verified record refuses what an unverified call would change.
const FROZEN = `(u.verified_at IS NOT NULL AND EXCLUDED.verification <> 'ok')`;
// Rule 2, a record never verified and its first verified call: what
// unverified calls wrote is dropped, and the call's own row (its metadata
// and attributes, their keys, its one anonymous id) is the record.
const FRESH = `(u.verified_at IS NULL AND EXCLUDED.verification = 'ok')`;
// Rule 2: the call's keys that are not signed, then its attributes, over
// the old metadata; i.e. all of them but the keys signed before that this
// call does not sign again. On a FRESH record, the call's alone.
const MERGED = `CASE WHEN ${FRESH} THEN EXCLUDED.metadata ELSE (u.metadata || (EXCLUDED.metadata - CASE WHEN cardinality(EXCLUDED.signed_keys) = 0 THEN u.signed_keys
	ELSE ARRAY(SELECT k FROM unnest(u.signed_keys) AS k WHERE k <> ALL (EXCLUDED.signed_keys)) END)) END`;
// Rule 3, whether a JSON value fits in `max` bytes: signet_json_fits answers
// that, but it is an SQL function PostgreSQL cannot inline, so each
// statement that calls it parses and plans its body again (a sixth of the
// database's CPU per identify). Its first test, written here, settles
// every value not near the limit without calling it.
const fits = (value: string, max: string) => `(octet_length((${value})::text) <= ${max}::integer OR signet_json_fits(${value}, ${max}::integer))`;
// Rule 4: the anonymous id moves to the end; the newest `ids` are kept.
const SEEN = `(array_remove(u.anonymous_ids, EXCLUDED.anonymous_ids[1]) || EXCLUDED.anonymous_ids[1])`;

/**
 * The columns of a user change in `input` (changeRow in ../user-writes.ts
 * writes them).
 *
 * @example
 * `WITH ${input(CHANGE)}, ${mergeUsers('$2', '$3')} SELECT * FROM merged`
 */
export const CHANGE: Array<[string, string]> = [
	['client_token', 'text'],
	['user_id', 'text'],
	['anonymous_id', 'text'],
	['metadata', 'jsonb'],
	['attributes', 'jsonb'],
	['verification', 'text'],
	['at', 'ms'],
];

// The digest of a call as it reaches a record, from the `input` row `i`:
// what it would write (jsonb's text is canonical: keys sorted, once each).
const callDigest = (i: string) => `md5(jsonb_build_array(${i}.verification, ${i}.anonymous_id, ${i}.metadata, ${i}.attributes)::text)`;

/**
 * Applies calls to users' records (rules 1 to 4 of `UserChange`, a first
 * verified call on a record never verified starting it afresh), one
 * INSERT … ON CONFLICT DO UPDATE over `input`, so two instances merging
 * into one user at once both land; at most one call per user (an upsert
 * changes a row once). A call gets no row back only when its merged
 * metadata is too large (rule 3), whether its record is new (the INSERT's
 * SELECT offers no row) or not (the UPDATE's WHERE refuses it). The
 * attributes' keys are their JSON's keys: a key JSON drops was never stored,
 * so it is not signed. `max` and `ids` name the parameters of the most
 * metadata bytes and the most anonymous ids kept.
 *
 * A call that is the record's last applied call again (its digest, with
 * the count of calls applied then, is the record's `call_digest`) would
 * change nothing but `updated_at` and `applied`: it is not written at
 * all (no row version, no WAL, no lock), and gets the record as it is
 * (the CTE `kept`). The count in the digest tells a record an instance of
 * schema version 4 changed since (it leaves the digest, but counts up). An
 * unverified call on a verified record is always written (rule 1 counts it).
 *
 * @example
 * `WITH ${input(CHANGE)}, ${mergeUsers('$2', '$3')} SELECT * FROM users` // the CTE `users`: the records after the calls
 */
export function mergeUsers(max: string, ids: string): string {
	return `kept AS (
	SELECT k.* FROM input AS i CROSS JOIN LATERAL (
		SELECT ${USER_COLUMNS} FROM signet_users AS u
		WHERE u.client_token = i.client_token AND u.user_id = i.user_id
			AND u.call_digest = ${callDigest('i')} || ':' || u.applied AND (u.verified_at IS NULL OR i.verification = 'ok')
		OFFSET 0
	) AS k
), merged AS (
INSERT INTO signet_users AS u (client_token, user_id, metadata, signed_keys, anonymous_ids, verified, verification,
	verified_at, unverified_calls, created_at, updated_at, applied, call_digest)
SELECT client_token, user_id, fresh, keys, ARRAY[anonymous_id], verification = 'ok', verification,
	CASE WHEN verification = 'ok' THEN at END, 0, at, at, 1, ${callDigest('input')} || ':1'
FROM input CROSS JOIN LATERAL (SELECT ARRAY(SELECT jsonb_object_keys(attributes)) AS keys) AS a
	CROSS JOIN LATERAL (SELECT (metadata - a.keys) || attributes AS fresh) AS f
-- A record that exists may still take the call (rule 1 needs no room), so
-- the row is offered and the UPDATE's WHERE decides.
WHERE NOT EXISTS (SELECT 1 FROM kept WHERE kept.client_token = input.client_token AND kept.user_id = input.user_id)
	AND (${fits('fresh', max)}
		OR EXISTS (SELECT 1 FROM signet_users AS e WHERE e.client_token = input.client_token AND e.user_id = input.user_id))
ORDER BY client_token, user_id
ON CONFLICT (client_token, user_id) DO UPDATE SET
	metadata = CASE WHEN ${FROZEN} THEN u.metadata ELSE ${MERGED} END,
	signed_keys = CASE WHEN ${FROZEN} THEN u.signed_keys WHEN ${FRESH} THEN EXCLUDED.signed_keys
		ELSE u.signed_keys || ARRAY(SELECT k FROM unnest(EXCLUDED.signed_keys) AS k WHERE k <> ALL (u.signed_keys)) END,
	anonymous_ids = CASE WHEN ${FROZEN} THEN u.anonymous_ids WHEN ${FRESH} THEN EXCLUDED.anonymous_ids
		ELSE ${SEEN}[greatest(cardinality(${SEEN}) - ${ids}::integer + 1, 1):] END,
	verified = CASE WHEN ${FROZEN} THEN u.verified ELSE EXCLUDED.verified END,
	verification = CASE WHEN ${FROZEN} THEN u.verification ELSE EXCLUDED.verification END,
	verified_at = coalesce(u.verified_at, EXCLUDED.verified_at),
	unverified_calls = u.unverified_calls + CASE WHEN ${FROZEN} THEN 1 ELSE 0 END,
	updated_at = CASE WHEN ${FROZEN} THEN u.updated_at ELSE EXCLUDED.updated_at END,
	applied = u.applied + CASE WHEN ${FROZEN} THEN 0 ELSE 1 END,
	call_digest = CASE WHEN ${FROZEN} THEN u.call_digest ELSE split_part(EXCLUDED.call_digest, ':', 1) || ':' || (u.applied + 1) END
WHERE ${FROZEN} OR ${fits(MERGED, max)}
RETURNING ${USER_COLUMNS}
), users AS (
	SELECT * FROM merged UNION ALL SELECT * FROM kept
)`;
}

/**
 * `mergeUser` for several calls (see mergeUsers): $1 the changes, $2 most
 * metadata bytes, $3 most anonymous ids. Answers the records the calls changed.
 *
 * @example
 * const {rows} = await pool.query({name: 'signet_merge_users', text: MERGE_USERS, values});
 */
export const MERGE_USERS = `WITH ${input(CHANGE)}, ${mergeUsers('$2', '$3')}
SELECT * FROM users`;

/** @example await pool.query({text: GET_USER, values: [clientToken, userId]}); */
export const GET_USER = `SELECT ${USER_COLUMNS} FROM signet_users WHERE client_token = $1 AND user_id = $2`;

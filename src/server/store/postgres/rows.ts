import type {SessionRecord, UserRecord} from '../store';

/**
 * A `signet_users` row, as `USER_COLUMNS` selects it, as the store's
 * record: times come as ISO text, jsonb already parsed.
 *
 * @example
 * const record = toUser(rows[0]);
 */
export function toUser(row: Record<string, any>): UserRecord {
	return {
		clientToken: row.client_token,
		userId: row.user_id,
		metadata: row.metadata,
		signedKeys: row.signed_keys,
		anonymousIds: row.anonymous_ids,
		verified: row.verified,
		verification: row.verification as UserRecord['verification'],
		verifiedAt: row.verified_at,
		unverifiedCalls: row.unverified_calls,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		applied: row.applied,
	};
}

/**
 * A `signet_sessions` row as the store's record.
 *
 * @example
 * const session = toSession(rows[0]);
 */
export function toSession(row: Record<string, any>): SessionRecord {
	return {
		tokenHash: row.token_hash,
		clientToken: row.client_token,
		userId: row.user_id,
		anonymousId: row.anonymous_id,
		keyId: row.key_id,
		createdAt: iso(row.created_at),
		expiresAt: iso(row.expires_at),
	};
}

/**
 * An ISO time from whatever `pg` gave: a Date for a column, a string with
 * an offset from inside JSON.
 *
 * @example
 * iso('2026-11-22T01:00:00.123+00:00') // '2026-11-22T01:00:00.123Z'
 */
export function iso(value: Date | string): string {
	return new Date(value).toISOString();
}

import type {AdminCredential, AuditEvent, RegistryClient, RegistryKey} from '../registry';
import type {OutcomeSummary, SessionRecord, UserRecord} from '../store';

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
 * READINESS' one row as the store's summary: every bucket's count added to
 * its code's and its hint's, and the recent failures in the row's order.
 *
 * @example
 * const summary = toOutcomeSummary(rows[0]); // {total: 3, byCode: {ok: 2, hash_expired: 1}, byHint: {}, recentFailures: [...]}
 */
export function toOutcomeSummary(row: Record<string, any>): OutcomeSummary {
	const summary: OutcomeSummary = {total: 0, byCode: {}, byHint: {}, recentFailures: []};
	for (const [code, hint, count] of row.buckets as Array<[string, string, number]>) {
		summary.total += count;
		summary.byCode[code] = (summary.byCode[code] ?? 0) + count;
		if (hint !== '') {
			summary.byHint[hint] = (summary.byHint[hint] ?? 0) + count;
		}
	}

	for (const failure of row.failures as Array<{userId: string; code: string; hint: string | null; at: string}>) {
		const {userId, code, hint, at} = failure;
		summary.recentFailures.push(hint === null ? {userId, code, at: iso(at)} : {userId, code, hint, at: iso(at)});
	}

	return summary;
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

/**
 * A `signet_clients` row, as `CLIENT_COLUMNS` selects it (inside JSON:
 * times already ISO text), as the registry's client.
 *
 * @example
 * const clients = rows[0].clients.map(toRegistryClient);
 */
export function toRegistryClient(row: Record<string, any>): RegistryClient {
	return {
		token: row.token,
		name: row.name,
		enforce: row.enforce,
		allowedOrigins: row.allowed_origins,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		revision: row.revision,
	};
}

/**
 * A `signet_keys` row, as `KEY_COLUMNS` selects it, as the registry's key.
 *
 * @example
 * const keys = rows[0].keys.map(toRegistryKey);
 */
export function toRegistryKey(row: Record<string, any>): RegistryKey {
	return {
		clientToken: row.client_token,
		id: row.id,
		type: row.type,
		use: row.use,
		status: row.status,
		fingerprint: row.fingerprint,
		sealed: row.sealed,
		jwk: row.jwk,
		createdAt: row.created_at,
		retiredAt: row.retired_at,
		lastUsedAt: row.last_used_at,
	};
}

/**
 * A `signet_credentials` row, as `CREDENTIAL_COLUMNS` selects it, as an
 * admin credential.
 *
 * @example
 * const credentials = rows[0].credentials.map(toAdminCredential);
 */
export function toAdminCredential(row: Record<string, any>): AdminCredential {
	return {id: row.id, name: row.name, role: row.role, digest: row.digest, createdAt: row.created_at, revokedAt: row.revoked_at};
}

/**
 * A `signet_audit_events` row, as `AUDIT_COLUMNS` selects it, as the
 * event it recorded: a field the event did not have (a null column) is
 * left out, as it was.
 *
 * @example
 * const events = rows.map(toAuditEvent); // [{at, actor: {id: 'owner', role: 'owner'}, action: 'client.create', clientToken: 'ct_…'}]
 */
export function toAuditEvent(row: Record<string, any>): AuditEvent {
	const event: AuditEvent = {at: row.at, actor: {id: row.actor_id, role: row.actor_role}, action: row.action};
	if (row.client_token !== null) {
		event.clientToken = row.client_token;
	}

	if (row.key_id !== null) {
		event.keyId = row.key_id;
	}

	if (row.changes !== null) {
		event.changes = row.changes;
	}

	return event;
}

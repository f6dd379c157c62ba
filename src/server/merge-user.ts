import {MAX_ANONYMOUS_IDS, type MergeResult, type UserChange, type UserRecord} from './store';

/**
 * The record after one call, by the rules of {@link UserChange}, built from
 * the previous record without copying it: unchanged parts (metadata
 * values, the old lists) are shared, and every record it answers is frozen,
 * so a store may keep and hand out records without deep copies. A store
 * that reads, merges and writes in one transaction can use it as is.
 *
 * @example
 * const result = mergeUserRecord(previous, {clientToken, userId: '42', anonymousId, metadata: {plan: 'pro'}, verification: 'ok', now, maxMetadataBytes: 16_384});
 * if (result.ok) save(result.record);
 */
export function mergeUserRecord(previous: UserRecord | undefined, change: UserChange): MergeResult {
	const {clientToken, userId, anonymousId, metadata = {}, attributes = {}, verification, now, maxMetadataBytes} = change;
	const verified = verification === 'ok';
	if (previous !== undefined && previous.verifiedAt !== null && !verified) {
		// Counted for monitor reporting, never applied: an unsigned call must
		// not rewrite what a signed one established.
		return {ok: true, record: freeze({...previous, unverifiedCalls: previous.unverifiedCalls + 1}), ignored: Object.keys(metadata)};
	}

	const signed = new Set(previous?.signedKeys);
	const attributeKeys = Object.keys(attributes);
	attributeKeys.forEach((key) => signed.add(key));
	const ignored: string[] = [];
	const unsigned = Object.entries(metadata).filter(([key]) => !signed.has(key) || (ignored.push(key), false));
	// Spread and fromEntries define own properties (no setter runs), so a
	// "__proto__" key cannot reach a prototype.
	const merged = {...previous?.metadata, ...Object.fromEntries(unsigned), ...attributes};
	if (jsonBytesOver(merged, maxMetadataBytes)) {
		return {ok: false, reason: 'metadata_too_large'};
	}

	const time = now.toISOString();
	const anonymousIds = (previous?.anonymousIds ?? []).filter((id) => id !== anonymousId);
	anonymousIds.push(anonymousId);
	const record: UserRecord = {
		clientToken,
		userId,
		metadata: Object.freeze(merged),
		signedKeys: attributeKeys.length === 0 && previous !== undefined ? previous.signedKeys : Object.freeze([...signed]) as string[],
		anonymousIds: Object.freeze(anonymousIds.slice(-MAX_ANONYMOUS_IDS)) as string[],
		verified,
		verification,
		verifiedAt: previous?.verifiedAt ?? (verified ? time : null),
		unverifiedCalls: previous?.unverifiedCalls ?? 0,
		createdAt: previous?.createdAt ?? time,
		updatedAt: time,
		applied: (previous?.applied ?? 0) + 1,
	};
	return {ok: true, record: freeze(record), ignored};
}

/**
 * Whether `value`'s JSON is more than `max` UTF-8 bytes. A character takes
 * at most 3 bytes per UTF-16 unit, so short JSON is never measured in bytes.
 *
 * @example
 * jsonBytesOver({name: 'Ada'}, 16_384) // false
 */
export function jsonBytesOver(value: unknown, max: number): boolean {
	const text = JSON.stringify(value);
	return text.length > max || (text.length * 3 > max && Buffer.byteLength(text, 'utf8') > max);
}

function freeze(record: UserRecord): UserRecord {
	return Object.freeze(record);
}

import {jsonBytesOver} from '../../shared/metadata';
import {isoTime} from './instant';
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

	// What the call builds on: the previous record, except when this is the
	// first verified call of a record never verified. Then what unverified
	// calls wrote (metadata, visitors) is dropped, so an attacker's unsigned
	// call cannot plant what the real user's verified record then holds.
	const base = previous !== undefined && (previous.verifiedAt !== null || !verified) ? previous : undefined;
	const attributeKeys = Object.keys(attributes);
	// A page sends the same metadata on every load: when nothing is signed
	// and no value changes, the old metadata is the merge (its size was
	// checked when it was written), and nothing is built or measured.
	const unchanged = base !== undefined && attributeKeys.length === 0 && base.signedKeys.length === 0 && changesNothing(base.metadata, metadata);
	// The record's signed keys, with the attributes' added; the same frozen list when none are.
	const signedKeys = attributeKeys.length === 0 && base !== undefined ? base.signedKeys : (Object.freeze([...new Set([...(base?.signedKeys ?? []), ...attributeKeys])]) as string[]);
	const ignored: string[] = [];
	let merged = base !== undefined && MADE_HERE.has(base.metadata) ? base.metadata : undefined;
	if (!unchanged || merged === undefined) {
		const signed = new Set(signedKeys);
		const unsigned = Object.entries(metadata).filter(([key]) => !signed.has(key) || (ignored.push(key), false));
		// Spread and fromEntries define own properties (no setter runs), so a
		// "__proto__" key cannot reach a prototype.
		merged = madeHere(Object.freeze({...base?.metadata, ...Object.fromEntries(unsigned), ...attributes}));
		if (jsonBytesOver(merged, maxMetadataBytes)) {
			return {ok: false, reason: 'metadata_too_large'};
		}
	}

	const time = isoTime(now);
	const record: UserRecord = {
		clientToken,
		userId,
		metadata: merged,
		signedKeys,
		anonymousIds: withNewest(base?.anonymousIds ?? [], anonymousId),
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

// Whether every key sent already holds the very same value (primitives;
// an object from JSON is always new, so it counts as a change).
function changesNothing(previous: Readonly<Record<string, unknown>>, metadata: Record<string, unknown>): boolean {
	for (const key of Object.keys(metadata)) {
		if (!Object.hasOwn(previous, key) || !Object.is(previous[key], metadata[key])) {
			return false;
		}
	}

	return true;
}

// The list with `anonymousId` last, the newest MAX_ANONYMOUS_IDS kept; the
// same frozen list when it is last already (a visitor identifying again).
function withNewest(anonymousIds: string[], anonymousId: string): string[] {
	if (anonymousIds.at(-1) === anonymousId && MADE_HERE.has(anonymousIds)) {
		return anonymousIds;
	}

	const list = anonymousIds.filter((id) => id !== anonymousId);
	list.push(anonymousId);
	return madeHere(Object.freeze(list.slice(-MAX_ANONYMOUS_IDS)) as string[]);
}

// The metadata objects and anonymous id lists this module built and froze:
// those a later merge may share as they are. A WeakSet lookup, where
// Object.isFrozen is a call into the engine's C++ (two per merge, ~2,000
// instructions each).
const MADE_HERE = new WeakSet<object>();

function madeHere<T extends object>(value: T): T {
	MADE_HERE.add(value);
	return value;
}

function freeze(record: UserRecord): UserRecord {
	return Object.freeze(record);
}

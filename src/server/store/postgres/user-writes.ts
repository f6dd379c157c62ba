// The statements that batches of user writes run (see Batches): merges
// and verified identifies, each batch one statement (two when its calls
// carry two metadata limits), its calls as one JSON array (see `input` in
// statements/fragments.ts), and the rows mapped back to the calls, in
// their order.
import {compoundKey} from '../compound-key';
import {type IdentifyResult, type IdentifyWrite, MAX_ANONYMOUS_IDS, type MergeResult, type UserChange, type UserRecord} from '../store';
import {runNamed, type PostgresPool, type PostgresResult} from './pool';
import {toUser} from './rows';
import {APPLY_IDENTIFIES} from './statements/identify';
import {MERGE_USERS} from './statements/users';

/**
 * `mergeUser` for a batch of changes, at most one per user: one
 * MERGE_USERS per metadata limit among them. Answers in the changes' order.
 *
 * @example
 * new Batches({...BATCH, key: user, run: (changes) => mergeUsers(pool, changes)});
 */
export async function mergeUsers(pool: PostgresPool, changes: UserChange[]): Promise<MergeResult[]> {
	return byLimit(changes, async (group) => {
		const {rows} = await runNamed(pool, 'signet_merge_users', MERGE_USERS, [JSON.stringify(group.map(changeRow)), group[0].maxMetadataBytes, MAX_ANONYMOUS_IDS]);
		return mergeResults(rows, group);
	});
}

/**
 * `applyIdentify` for a batch of verified identifies, at most one per
 * user: one APPLY_IDENTIFIES per metadata limit among them. Answers in the
 * writes' order.
 *
 * @example
 * new Batches({...BATCH, key: (write) => user(write.change), run: (writes) => applyIdentifies(pool, writes)});
 */
export async function applyIdentifies(pool: PostgresPool, writes: IdentifyWrite[]): Promise<IdentifyResult[]> {
	return byLimit(
		writes.map((write) => write.change),
		async (changes, indexes) => {
			const calls = indexes.map((index) => identifyRow(writes[index]));
			const {rows} = await runNamed(pool, 'signet_apply_identifies', APPLY_IDENTIFIES, [JSON.stringify(calls), changes[0].maxMetadataBytes, MAX_ANONYMOUS_IDS]);
			return withReused(rows, indexes, writes, mergeResults(rows, changes));
		},
	);
}

// Each applied identify with the live session the statement found for it
// instead of storing the new one (its row's found_* columns), if any.
function withReused(rows: PostgresResult['rows'], indexes: number[], writes: IdentifyWrite[], results: MergeResult[]): IdentifyResult[] {
	const found = new Map<string, Record<string, any>>();
	for (const row of rows) {
		if (row.found_hash !== null) {
			found.set(compoundKey(row.client_token, row.user_id), row);
		}
	}

	return results.map((result, position) => {
		const {change, session} = writes[indexes[position]];
		const row = result.ok ? found.get(compoundKey(change.clientToken, change.userId)) : undefined;
		if (row === undefined) {
			return result;
		}

		const reused = {...session, tokenHash: row.found_hash, createdAt: row.found_created, expiresAt: row.found_expires, sealed: row.found_sealed};
		return {...result, reused};
	});
}

// Runs `run` once per maxMetadataBytes among the changes (a statement
// takes one), on those changes and their indexes, and answers in the
// changes' order. In practice there are two, the API's settings: a
// verified call's and an unverified one's (MAX_UNVERIFIED_METADATA_BYTES).
async function byLimit<T>(changes: UserChange[], run: (group: UserChange[], indexes: number[]) => Promise<T[]>): Promise<T[]> {
	const limit = changes[0].maxMetadataBytes;
	if (changes.every((change) => change.maxMetadataBytes === limit)) {
		return run(
			changes,
			changes.map((_, index) => index),
		);
	}

	const groups = new Map<number, number[]>();
	changes.forEach((change, index) => groups.set(change.maxMetadataBytes, [...(groups.get(change.maxMetadataBytes) ?? []), index]));
	const answers: T[] = [];
	await Promise.all(
		[...groups.values()].map(async (indexes) => {
			const group = await run(
				indexes.map((index) => changes[index]),
				indexes,
			);
			indexes.forEach((index, position) => {
				answers[index] = group[position];
			});
		}),
	);
	return answers;
}

// A change as a row of MERGE_USERS' input. The metadata and attributes
// stay objects: JSON carries them as they are, and JSON.stringify leaves
// out what JSON cannot hold, as it always did.
function changeRow({clientToken, userId, anonymousId, metadata = {}, attributes = {}, verification, now}: UserChange) {
	return {client_token: clientToken, user_id: userId, anonymous_id: anonymousId, metadata, attributes, verification, at: now.getTime()};
}

// What the merge's rows mean for each change: no row, its metadata was
// too large; else the record after the call, from which follows which
// rule applied (a verified record and an unverified call is rule 1).
function mergeResults(rows: PostgresResult['rows'], changes: UserChange[]): MergeResult[] {
	const records = new Map<string, UserRecord>();
	for (const row of rows) {
		records.set(compoundKey(row.client_token, row.user_id), toUser(row));
	}

	return changes.map((change) => {
		const record = records.get(compoundKey(change.clientToken, change.userId));
		if (record === undefined) {
			return {ok: false, reason: 'metadata_too_large'};
		}

		const frozen = record.verifiedAt !== null && change.verification !== 'ok';
		const signed = new Set(record.signedKeys);
		return {ok: true, record, ignored: Object.keys(change.metadata ?? {}).filter((key) => frozen || signed.has(key))};
	});
}

// A verified identify as a row of APPLY_IDENTIFIES' input: its change
// and session in one literal, as changeRow writes the change. Three spreads into one object built it key by key through V8's
// runtime, the heaviest function of the API's profile after the socket.
function identifyRow(write: IdentifyWrite) {
	const {change, session} = write;
	return {
		client_token: change.clientToken,
		user_id: change.userId,
		anonymous_id: change.anonymousId,
		metadata: change.metadata ?? {},
		attributes: change.attributes ?? {},
		verification: change.verification,
		at: change.now.getTime(),
		token_hash: session.tokenHash,
		session_client_token: session.clientToken,
		session_user_id: session.userId,
		session_anonymous_id: session.anonymousId,
		key_id: session.keyId,
		session_created: session.createdAt,
		session_expires: session.expiresAt,
		seal_id: session.sealId ?? null,
		sealed: session.sealed ?? null,
		reuse_from: write.reuseFrom ?? null,
	};
}

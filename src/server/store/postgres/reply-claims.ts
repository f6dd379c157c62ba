// Remembered answers in PostgreSQL: the statements that batches of claims
// and of finished answers run (see Batches), and what a claim's row means.
import type {CallCount, ReplyClaim} from '../claim-and-count';
import type {ClaimAndCountResult, ClaimResult} from '../store';
import type {Batches} from './batches';
import {runNamed, type PostgresPool} from './pool';
import {CLAIM_COUNT} from './statements/claim-count';
import {CLAIM_REPLIES, FINISH_REPLIES} from './statements/replies';

/**
 * A claim's row of CLAIM_REPLIES: `state` null when the row that beat it
 * was committed after the statement's snapshot (ask again).
 *
 * @example
 * const row: ClaimRow = {key, state: 'running', fingerprint, sealed: null};
 */
export type ClaimRow = {key: string; state: 'claimed' | 'running' | 'done' | null; fingerprint: string | null; sealed: string | null};

/**
 * A `claimAndCount` call, as a batch of claims that count carries it.
 *
 * @example
 * const claim: ClaimCount = {key, fingerprint, now, expiresAt, staleBefore, count: {limits, windowMs, now}};
 */
export type ClaimCount = ReplyClaim & {count: CallCount};

/**
 * A row of CLAIM_COUNT: a claim's row, and a claimed call's count of its
 * first limit and (when the first let it on) its second.
 *
 * @example
 * const row: ClaimCountRow = {key, state: 'claimed', fingerprint: null, sealed: null, first_count: 14, second_count: 3};
 */
export type ClaimCountRow = ClaimRow & {first_count: number | null; second_count: number | null};

/**
 * A finished answer, as a batch of finishes carries it.
 *
 * @example
 * const finish: Finish = {key, sealed};
 */
export type Finish = {key: string; sealed: string};

// A claim read can miss the row that beat it (another snapshot); asking
// again sees it. More misses than this in a row means something is wrong.
const CLAIM_ATTEMPTS = 5;

/**
 * `claimReply` through the batches of claims: the claim, or the live
 * claim or answer that holds its key, asked again while the row that beat
 * it was not yet in the statement's snapshot.
 *
 * @example
 * const result = await claimReply(claims, {key, fingerprint, now, expiresAt, staleBefore}); // {state: 'claimed'}
 */
export function claimReply(claims: Batches<ReplyClaim, ClaimRow>, claim: ReplyClaim): Promise<ClaimResult> {
	return claimFrom(() => claims.add(claim), () => ({}));
}

/**
 * `claimAndCount` through the batches of claims that count: as
 * {@link claimReply}, and a claimed call's counts, each limit's in turn
 * up to the first over its max (see CLAIM_COUNT).
 *
 * @example
 * const {state, counts} = await claimAndCount(claimCounts, claim, {limits, windowMs, now}); // {state: 'claimed', counts: [14, 3]}
 */
export function claimAndCount(batches: Batches<ClaimCount, ClaimCountRow>, claim: ReplyClaim, count: CallCount): Promise<ClaimAndCountResult> {
	let row: ClaimCountRow;
	return claimFrom(
		async () => (row = await batches.add({...claim, count})),
		() => ({counts: countsOf(row, count.limits)}),
	);
}

// The claim, or the live claim or answer that holds its key, asked again
// while the row that beat it was not yet in the statement's snapshot.
async function claimFrom<More>(ask: () => Promise<ClaimRow>, claimed: () => More): Promise<ClaimResult & Partial<More>> {
	for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
		const {state, fingerprint, sealed} = await ask();
		if (state === 'claimed') {
			return {state, ...claimed()};
		}

		if (state === 'done') {
			return {state, fingerprint: fingerprint!, sealed: sealed!};
		}

		if (state === 'running') {
			return {state, fingerprint: fingerprint!};
		}
	}

	throw new Error(`PostgresStore.claimReply: the reply row changed under ${CLAIM_ATTEMPTS} reads in a row`);
}

// The counts a claimed call's row carries: the first limit's, and the
// second's when the first let the call on.
function countsOf(row: ClaimCountRow, limits: CallCount['limits']): number[] {
	if (limits.length === 0) {
		return [];
	}

	return row.first_count! <= limits[0].max && limits.length > 1 ? [row.first_count!, row.second_count!] : [row.first_count!];
}

/**
 * A batch of claims, at most one per key, in one CLAIM_REPLIES: each
 * claim's row, in the claims' order.
 *
 * @example
 * new Batches({...BATCH, key: (claim) => claim.key, run: (claims) => claimReplies(pool, claims)});
 */
export async function claimReplies(pool: PostgresPool, claims: ReplyClaim[]): Promise<ClaimRow[]> {
	const calls = claims.map(({key, fingerprint, now, expiresAt, staleBefore}) => ({key, fingerprint, now: now.getTime(), expires_at: expiresAt.getTime(), stale_before: staleBefore.getTime()}));
	const {rows} = await runNamed(pool, 'signet_claim_replies', CLAIM_REPLIES, [JSON.stringify(calls)]);
	const byKey = new Map<string, ClaimRow>(rows.map((row: ClaimRow) => [row.key, row]));
	return claims.map((claim) => byKey.get(claim.key)!);
}

/**
 * A batch of claims that count, at most one per key, in one CLAIM_COUNT:
 * each claim's row, in the claims' order. A call's limits past the second
 * are not counted here (see PostgresStore.claimAndCount).
 *
 * @example
 * new Batches({...BATCH, key: (claim) => claim.key, run: (claims) => claimCounts(pool, claims)});
 */
export async function claimCounts(pool: PostgresPool, claims: ClaimCount[]): Promise<ClaimCountRow[]> {
	const calls = claims.map(({key, fingerprint, now, expiresAt, staleBefore, count}) => {
		const [first, second] = count.limits;
		const window = Math.floor(count.now.getTime() / count.windowMs);
		return {
			key,
			fingerprint,
			now: now.getTime(),
			expires_at: expiresAt.getTime(),
			stale_before: staleBefore.getTime(),
			first_key: first?.key ?? null,
			first_max: first === undefined ? null : finite(first.max),
			second_key: second?.key ?? null,
			second_max: second === undefined ? null : finite(second.max),
			window_ms: count.windowMs,
			window_index: window,
			window_end: (window + 1) * count.windowMs,
		};
	});
	const {rows} = await runNamed(pool, 'signet_claim_count', CLAIM_COUNT, [JSON.stringify(calls)]);
	const byKey = new Map<string, ClaimCountRow>(rows.map((row: ClaimCountRow) => [row.key, row]));
	return claims.map((claim) => byKey.get(claim.key)!);
}

// JSON has no Infinity: an unlimited limit is the largest number instead.
const finite = (max: number) => (Number.isFinite(max) ? max : Number.MAX_VALUE);

/**
 * A batch of finished answers, at most one per key, in one FINISH_REPLIES.
 *
 * @example
 * new Batches({...BATCH, key: (finish) => finish.key, run: (finishes) => finishReplies(pool, finishes)});
 */
export async function finishReplies(pool: PostgresPool, finishes: Finish[]): Promise<void[]> {
	// Unnamed: planned for the table as it is now (see FINISH_REPLIES).
	await pool.query({text: FINISH_REPLIES, values: [finishes.map((finish) => finish.key), finishes.map((finish) => finish.sealed)]});
	return [];
}

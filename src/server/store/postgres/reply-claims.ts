// Remembered answers in PostgreSQL: the statements that batches of claims
// and of finished answers run (see Batches), and what a claim's row means.
import type {ClaimResult} from '../store';
import type {Batches} from './batches';
import {runNamed, type PostgresPool} from './pool';
import {CLAIM_REPLIES, FINISH_REPLIES} from './statements/replies';

/**
 * A `claimReply` call, as a batch of claims carries it.
 *
 * @example
 * const claim: Claim = {key, fingerprint, now, expiresAt, staleBefore};
 */
export type Claim = {key: string; fingerprint: string; now: Date; expiresAt: Date; staleBefore: Date};

/**
 * A claim's row of CLAIM_REPLIES: `state` null when the row that beat it
 * was committed after the statement's snapshot (ask again).
 *
 * @example
 * const row: ClaimRow = {key, state: 'running', fingerprint, sealed: null};
 */
export type ClaimRow = {key: string; state: 'claimed' | 'running' | 'done' | null; fingerprint: string | null; sealed: string | null};

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
export async function claimReply(claims: Batches<Claim, ClaimRow>, claim: Claim): Promise<ClaimResult> {
	for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
		const {state, fingerprint, sealed} = await claims.add(claim);
		if (state === 'claimed') {
			return {state};
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

/**
 * A batch of claims, at most one per key, in one CLAIM_REPLIES: each
 * claim's row, in the claims' order.
 *
 * @example
 * new Batches({...BATCH, key: (claim) => claim.key, run: (claims) => claimReplies(pool, claims)});
 */
export async function claimReplies(pool: PostgresPool, claims: Claim[]): Promise<ClaimRow[]> {
	const calls = claims.map(({key, fingerprint, now, expiresAt, staleBefore}) => ({key, fingerprint, now: now.getTime(), expires_at: expiresAt.getTime(), stale_before: staleBefore.getTime()}));
	const {rows} = await runNamed(pool, 'signet_claim_replies', CLAIM_REPLIES, [JSON.stringify(calls)]);
	const byKey = new Map<string, ClaimRow>(rows.map((row: ClaimRow) => [row.key, row]));
	return claims.map((claim) => byKey.get(claim.key)!);
}

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

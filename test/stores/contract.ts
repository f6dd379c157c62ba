// The one contract every IdentityStore passes: the rules of ../../src/server/store.ts
// written as behaviours, run against MemoryStore and PostgresStore alike.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {IdentityStore, SessionRecord, UserChange} from '../../src/server/store';

/** A store under test, a second handle on the same data (another process's view), and how to let go of both. */
export type StoreUnderTest = {store: IdentityStore; twin: IdentityStore; close(): Promise<void>};

const T0 = new Date('2026-11-22T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const HOUR = 3_600_000;

let users = 0;
/** A change for a user no other test touches. */
function change(overrides: Partial<UserChange> = {}): UserChange {
	return {clientToken: 'ct_contract', userId: `user-${++users}`, anonymousId: 'anon-1', verification: 'ok', now: T0, maxMetadataBytes: 16_384, ...overrides};
}

function bytes(value: unknown): number {
	return Buffer.byteLength(JSON.stringify(value));
}

/**
 * Runs the store contract against the stores `make` creates (one per suite).
 *
 * @example
 * storeContract('MemoryStore', async () => { const store = new MemoryStore(); return {store, twin: store, close: async () => {}}; });
 */
export function storeContract(name: string, make: () => Promise<StoreUnderTest>): void {
	describe(`${name} (store contract)`, () => {
		let subject: StoreUnderTest;
		let store: IdentityStore;
		let twin: IdentityStore;
		beforeAll(async () => {
			subject = await make();
			({store, twin} = subject);
		});
		afterAll(() => subject?.close());

		async function merged(input: UserChange) {
			const result = await store.mergeUser(input);
			if (!result.ok) {
				throw new Error(`merge refused: ${result.reason}`);
			}

			return result;
		}

		describe('users', () => {
			it('creates one record on the first call and counts later calls into it', async () => {
				const first = change({metadata: {plan: 'free'}});
				const {record} = await merged(first);
				expect(record).toMatchObject({clientToken: 'ct_contract', userId: first.userId, metadata: {plan: 'free'}, anonymousIds: ['anon-1'], verified: true, verification: 'ok', applied: 1, unverifiedCalls: 0});
				expect([record.createdAt, record.updatedAt, record.verifiedAt]).toEqual([T0.toISOString(), T0.toISOString(), T0.toISOString()]);
				const again = await merged({...first, metadata: {seats: 3}, now: at(1000)});
				expect(again.record).toMatchObject({metadata: {plan: 'free', seats: 3}, applied: 2, createdAt: T0.toISOString(), updatedAt: at(1000).toISOString()});
				expect(await twin.getUser('ct_contract', first.userId)).toEqual(again.record);
				expect(await store.getUser('ct_contract', 'nobody')).toBeUndefined();
			});

			it('shallow-merges metadata: a later call overwrites a key and never removes one', async () => {
				const first = change({metadata: {plan: 'free', nested: {a: 1, b: 2}}});
				await merged(first);
				const {record, ignored} = await merged({...first, metadata: {plan: 'pro', nested: {c: 3}}});
				expect(record.metadata).toEqual({plan: 'pro', nested: {c: 3}});
				expect(ignored).toEqual([]);
			});

			it('does not let unsigned metadata override signed attributes, now or later, and says which keys it ignored', async () => {
				const first = change({metadata: {role: 'admin', plan: 'free'}, attributes: {role: 'viewer'}});
				const created = await merged(first);
				expect(created.record.metadata).toEqual({role: 'viewer', plan: 'free'});
				expect(created.record.signedKeys).toEqual(['role']);
				expect(created.ignored).toEqual(['role']);
				const later = await merged({...first, metadata: {role: 'admin', plan: 'pro'}, attributes: undefined});
				expect(later.record.metadata).toEqual({role: 'viewer', plan: 'pro'});
				expect(later.ignored).toEqual(['role']);
			});

			it('does not let an unverified call change a verified record: it only counts it', async () => {
				const first = change({metadata: {plan: 'pro'}});
				const verified = await merged(first);
				const attack = await merged({...first, anonymousId: 'anon-evil', verification: 'hash_invalid', metadata: {plan: 'free', admin: true}, now: at(5000)});
				expect(attack.ignored).toEqual(['plan', 'admin']);
				expect(attack.record).toEqual({...verified.record, unverifiedCalls: 1});
				expect(await store.getUser('ct_contract', first.userId)).toEqual({...verified.record, unverifiedCalls: 1});
			});

			it('applies unverified calls to a record that never verified, and sets verifiedAt once when one does', async () => {
				const first = change({verification: 'hash_missing', metadata: {a: 1}});
				expect((await merged(first)).record).toMatchObject({verified: false, verification: 'hash_missing', verifiedAt: null});
				expect((await merged({...first, verification: 'ok', now: at(1000)})).record).toMatchObject({verified: true, verifiedAt: at(1000).toISOString()});
				expect((await merged({...first, verification: 'ok', now: at(2000)})).record).toMatchObject({verifiedAt: at(1000).toISOString(), applied: 3});
			});

			it('keeps the newest anonymous ids, the one just seen last', async () => {
				const first = change();
				for (let index = 0; index < 25; index++) {
					await merged({...first, anonymousId: `anon-${index}`});
				}

				const {record} = await merged({...first, anonymousId: 'anon-10'});
				expect(record.anonymousIds).toHaveLength(20);
				expect(record.anonymousIds.at(-1)).toBe('anon-10');
				expect(record.anonymousIds.filter((id) => id === 'anon-10')).toHaveLength(1);
				expect(record.anonymousIds[0]).toBe('anon-5');
			});

			it('measures the size limit in UTF-8 bytes of JSON.stringify: exactly at it is accepted, one byte over is refused and changes nothing', async () => {
				const first = change({metadata: {name: 'é'}});
				const {record} = await merged(first);
				// A string that brings the merged JSON to exactly the limit, with
				// two-byte characters, quotes and a newline that JSON escapes.
				const base = {...record.metadata, note: ''};
				const limit = bytes(base) + 40;
				const fits = {note: '"\n' + 'é'.repeat(17) + 'x'.repeat(2)};
				expect(bytes({...base, ...fits})).toBe(limit);
				expect((await store.mergeUser({...first, metadata: fits, maxMetadataBytes: limit})).ok).toBe(true);
				const over = {note: '"\n' + 'é'.repeat(17) + 'x'.repeat(3)};
				expect(await store.mergeUser({...first, metadata: over, maxMetadataBytes: limit})).toEqual({ok: false, reason: 'metadata_too_large'});
				expect((await store.getUser('ct_contract', first.userId))?.metadata).toEqual({name: 'é', ...fits});
			});

			it('creates no record for a first call whose metadata is too large', async () => {
				const first = change({metadata: {blob: 'x'.repeat(100)}, maxMetadataBytes: 50});
				expect(await store.mergeUser(first)).toEqual({ok: false, reason: 'metadata_too_large'});
				expect(await store.getUser('ct_contract', first.userId)).toBeUndefined();
			});

			it('loses no key when 50 calls for one user merge at once, through two handles', async () => {
				const first = change();
				const calls = Array.from({length: 50}, (_, index) => (index % 2 ? twin : store).mergeUser({...first, metadata: {[`key${index}`]: index}, anonymousId: `anon-${index % 3}`}));
				const results = await Promise.all(calls);
				expect(results.every((result) => result.ok)).toBe(true);
				const record = await store.getUser('ct_contract', first.userId);
				expect(Object.keys(record!.metadata)).toHaveLength(50);
				expect(record!.applied).toBe(50);
			});

			it('hands out copies: changing an answer changes nothing stored', async () => {
				const first = change({metadata: {plan: 'free'}});
				const {record} = await merged(first);
				record.metadata.plan = 'hacked';
				record.anonymousIds.push('x');
				expect(await store.getUser('ct_contract', first.userId)).toMatchObject({metadata: {plan: 'free'}, anonymousIds: ['anon-1']});
			});
		});

		describe('sessions', () => {
			const session = (tokenHash: string, overrides: Partial<SessionRecord> = {}): SessionRecord => ({
				tokenHash,
				clientToken: 'ct_contract',
				userId: 'u-s',
				anonymousId: 'anon-1',
				keyId: 'k1',
				createdAt: T0.toISOString(),
				expiresAt: at(HOUR).toISOString(),
				...overrides,
			});

			it('stores a session by token hash, answers it expired or not, and ends it', async () => {
				await store.putSession(session('a'.repeat(64)));
				await store.putSession(session('b'.repeat(64), {expiresAt: at(-1).toISOString()}));
				expect(await twin.getSession('a'.repeat(64))).toEqual(session('a'.repeat(64)));
				expect(await twin.getSession('b'.repeat(64))).toEqual(session('b'.repeat(64), {expiresAt: at(-1).toISOString()}));
				await store.deleteSession('a'.repeat(64));
				expect(await twin.getSession('a'.repeat(64))).toBeUndefined();
			});

			it("ends every session of one user on one visitor, and no one else's", async () => {
				await store.putSession(session('1'.repeat(64), {userId: 'u-logout'}));
				await store.putSession(session('2'.repeat(64), {userId: 'u-logout'}));
				await store.putSession(session('3'.repeat(64), {userId: 'u-logout', anonymousId: 'anon-2'}));
				await store.putSession(session('4'.repeat(64), {userId: 'u-other'}));
				expect(await twin.deleteSessions({clientToken: 'ct_contract', userId: 'u-logout', anonymousId: 'anon-1'})).toBe(2);
				expect(await store.getSession('1'.repeat(64))).toBeUndefined();
				expect(await store.getSession('2'.repeat(64))).toBeUndefined();
				expect(await store.getSession('3'.repeat(64))).toBeDefined();
				expect(await store.getSession('4'.repeat(64))).toBeDefined();
				expect(await twin.deleteSessions({clientToken: 'ct_contract', userId: 'u-logout', anonymousId: 'anon-1'})).toBe(0);
			});
		});

		describe('remembered answers', () => {
			let keys = 0;
			const claim = (overrides: Partial<{key: string; fingerprint: string; now: Date; expiresAt: Date; staleBefore: Date}> = {}) => ({
				key: `k${keys}`,
				fingerprint: 'f1',
				now: T0,
				expiresAt: at(HOUR),
				staleBefore: at(-30_000),
				...overrides,
			});

			it('lets one caller claim a call; a retry meanwhile sees it running, then done with the sealed answer', async () => {
				keys++;
				expect(await store.claimReply(claim())).toEqual({state: 'claimed'});
				expect(await twin.claimReply(claim({fingerprint: 'f2'}))).toEqual({state: 'running', fingerprint: 'f1'});
				await store.finishReply(`k${keys}`, 'sealed-answer');
				expect(await twin.claimReply(claim({fingerprint: 'f2', now: at(1000)}))).toEqual({state: 'done', fingerprint: 'f1', sealed: 'sealed-answer'});
			});

			it('gives exactly one of 20 simultaneous claims, across two handles', async () => {
				keys++;
				const results = await Promise.all(Array.from({length: 20}, (_, index) => (index % 2 ? twin : store).claimReply(claim())));
				expect(results.filter((result) => result.state === 'claimed')).toHaveLength(1);
				expect(results.filter((result) => result.state === 'running')).toHaveLength(19);
			});

			it('runs a released call again', async () => {
				keys++;
				await store.claimReply(claim());
				await store.releaseReply(`k${keys}`);
				expect(await twin.claimReply(claim())).toEqual({state: 'claimed'});
			});

			it('takes over a claim whose caller died (older than staleBefore), and an answer past its expiry', async () => {
				keys++;
				await store.claimReply(claim());
				expect(await twin.claimReply(claim({now: at(60_000), staleBefore: at(1)}))).toEqual({state: 'claimed'});
				keys++;
				await store.claimReply(claim({expiresAt: at(10_000)}));
				await store.finishReply(`k${keys}`, 'old');
				expect(await twin.claimReply(claim({now: at(20_000), staleBefore: at(-10_000)}))).toEqual({state: 'claimed'});
			});
		});

		describe('rate counters', () => {
			it('counts each key in windows aligned on multiples of the window length, shared by every handle', async () => {
				const windowMs = 60_000;
				const start = new Date(Math.ceil(T0.getTime() / windowMs) * windowMs + 7 * windowMs);
				expect(await store.countCalls(['c:a', 'c:b'], windowMs, start)).toEqual([1, 1]);
				expect(await twin.countCalls(['c:a'], windowMs, new Date(start.getTime() + windowMs - 1))).toEqual([2]);
				expect(await store.countCalls(['c:b', 'c:a'], windowMs, new Date(start.getTime() + 30_000))).toEqual([2, 3]);
				expect(await twin.countCalls(['c:a', 'c:b'], windowMs, new Date(start.getTime() + windowMs))).toEqual([1, 1]);
			});

			it('counts 50 simultaneous calls on one key as 1 to 50, none twice', async () => {
				const counts = await Promise.all(Array.from({length: 50}, (_, index) => (index % 2 ? twin : store).countCalls(['c:race'], 1000, T0)));
				expect(counts.map(([count]) => count).sort((a, b) => a - b)).toEqual(Array.from({length: 50}, (_, index) => index + 1));
			});
		});

		describe('outcomes', () => {
			it('counts outcomes by code and hint since a time, and lists the newest failures first', async () => {
				const clientToken = 'ct_outcomes';
				await store.recordOutcome({clientToken, userId: 'old', code: 'hash_invalid', at: at(-3 * HOUR)});
				await store.recordOutcome({clientToken, userId: 'u1', code: 'ok', at: at(1000)});
				await twin.recordOutcome({clientToken, userId: 'u2', code: 'hash_invalid', hint: 'wrong_key', at: at(2000)});
				await store.recordOutcome({clientToken, userId: 'u3', code: 'hash_missing', at: at(3000)});
				await store.recordOutcome({clientToken: 'ct_else', userId: 'u4', code: 'hash_missing', at: at(3000)});
				expect(await twin.readiness(clientToken, T0)).toEqual({
					total: 3,
					byCode: {ok: 1, hash_invalid: 1, hash_missing: 1},
					byHint: {wrong_key: 1},
					recentFailures: [
						{userId: 'u3', code: 'hash_missing', at: at(3000).toISOString()},
						{userId: 'u2', code: 'hash_invalid', hint: 'wrong_key', at: at(2000).toISOString()},
					],
				});
			});

			it('keeps the newest 50 failures', async () => {
				const clientToken = 'ct_many';
				for (let index = 0; index < 60; index++) {
					await store.recordOutcome({clientToken, userId: `u${index}`, code: 'hash_expired', at: at(index * 10)});
				}

				const summary = await store.readiness(clientToken, T0);
				expect(summary.total).toBe(60);
				expect(summary.recentFailures).toHaveLength(50);
				expect(summary.recentFailures[0].userId).toBe('u59');
				expect(summary.recentFailures.at(-1)!.userId).toBe('u10');
			});
		});

		describe('sweep', () => {
			it('forgets expired sessions and keeps live ones', async () => {
				const base = {clientToken: 'ct_contract', userId: 'u-sweep', anonymousId: 'anon-1', keyId: 'k1', createdAt: T0.toISOString()};
				await store.putSession({...base, tokenHash: 'e'.repeat(64), expiresAt: at(1000).toISOString()});
				await store.putSession({...base, tokenHash: 'f'.repeat(64), expiresAt: at(HOUR).toISOString()});
				await twin.sweep(at(2000));
				expect(await store.getSession('e'.repeat(64))).toBeUndefined();
				expect(await store.getSession('f'.repeat(64))).toBeDefined();
			});

			it('leaves counters of a live window and answers of a live call alone', async () => {
				expect(await store.countCalls(['c:sweep'], HOUR, T0)).toEqual([1]);
				await store.claimReply({key: 'k-sweep', fingerprint: 'f', now: T0, expiresAt: at(HOUR), staleBefore: at(-30_000)});
				await store.finishReply('k-sweep', 'kept');
				await store.sweep(at(1000));
				expect(await store.countCalls(['c:sweep'], HOUR, at(2000))).toEqual([2]);
				expect(await store.claimReply({key: 'k-sweep', fingerprint: 'f', now: at(2000), expiresAt: at(HOUR), staleBefore: at(-30_000)})).toEqual({state: 'done', fingerprint: 'f', sealed: 'kept'});
			});
		});
	});
}

import {describe, expect, it} from 'vitest';
import type {IdentityStore, SessionRecord, UserChange} from '../../../src/server/index';

/**
 * The behaviours every IdentityStore must have (src/server/store/store.ts), as one
 * suite: MemoryStore runs it, and so must any other store
 * (`describeStoreContract('PostgresStore', () => new PostgresStore(pool))`).
 * Each test uses its own client token, so a shared database needs no reset.
 */
export function describeStoreContract(name: string, makeStore: () => IdentityStore | Promise<IdentityStore>): void {
	const T0 = new Date('2026-11-21T12:00:00.000Z');
	const at = (ms: number) => new Date(T0.getTime() + ms);
	let clientCount = 0;
	const client = () => `ct_contract_${Date.now().toString(36)}_${clientCount++}`;
	const change = (clientToken: string, fields: Partial<UserChange> = {}): UserChange => ({
		clientToken,
		userId: 'alice',
		anonymousId: 'anon-1',
		verification: 'hash_missing',
		now: T0,
		maxMetadataBytes: 16_384,
		...fields,
	});
	const session = (clientToken: string, tokenHash: string, fields: Partial<SessionRecord> = {}): SessionRecord => ({
		tokenHash,
		clientToken,
		userId: 'alice',
		anonymousId: 'anon-1',
		keyId: '0123456789abcdef',
		createdAt: T0.toISOString(),
		expiresAt: at(60_000).toISOString(),
		...fields,
	});

	describe(`${name}: the IdentityStore contract`, () => {
		it('creates one record per client and user, merging metadata shallowly and counting calls', async () => {
			const store = await makeStore();
			const ct = client();
			await store.mergeUser(change(ct, {metadata: {plan: 'free', name: 'Ada'}}));
			const result = await store.mergeUser(change(ct, {metadata: {plan: 'pro'}, anonymousId: 'anon-2', now: at(1_000)}));
			expect(result).toMatchObject({ok: true, ignored: []});
			const record = await store.getUser(ct, 'alice');
			expect(record).toMatchObject({
				clientToken: ct,
				userId: 'alice',
				metadata: {plan: 'pro', name: 'Ada'},
				anonymousIds: ['anon-1', 'anon-2'],
				verified: false,
				verification: 'hash_missing',
				verifiedAt: null,
				unverifiedCalls: 0,
				createdAt: T0.toISOString(),
				updatedAt: at(1_000).toISOString(),
				applied: 2,
			});
			expect(await store.getUser(ct, 'bob')).toBeUndefined();
		});

		it('does not let an unverified call change a verified record, only count it', async () => {
			const store = await makeStore();
			const ct = client();
			await store.mergeUser(change(ct, {metadata: {email: 'alice@example.com'}, verification: 'ok'}));
			const before = await store.getUser(ct, 'alice');
			const result = await store.mergeUser(change(ct, {metadata: {email: 'evil@example.com', plan: 'x'}, anonymousId: 'attacker', now: at(5_000)}));
			expect(result).toMatchObject({ok: true, ignored: ['email', 'plan']});
			const after = await store.getUser(ct, 'alice');
			expect(after).toEqual({...before, unverifiedCalls: 1});
			expect(after?.verifiedAt).toBe(T0.toISOString());
		});

		it('does not keep metadata or visitors an unsigned call planted once the user is verified', async () => {
			const store = await makeStore();
			const ct = client();
			// Monitor mode: the attacker's unsigned call for the user id comes first.
			await store.mergeUser(change(ct, {metadata: {email: 'attacker@example.com'}, anonymousId: 'attacker'}));
			const verified = await store.mergeUser(change(ct, {metadata: {plan: 'pro'}, attributes: {role: 'admin'}, anonymousId: 'alice-visitor', verification: 'ok', now: at(1_000)}));
			expect(verified).toMatchObject({ok: true, ignored: []});
			expect(await store.getUser(ct, 'alice')).toMatchObject({
				metadata: {plan: 'pro', role: 'admin'},
				signedKeys: ['role'],
				anonymousIds: ['alice-visitor'],
				verified: true,
				verifiedAt: at(1_000).toISOString(),
				createdAt: T0.toISOString(),
				applied: 2,
			});
			// And what the verified record holds, unsigned calls cannot change (rule 1).
			await store.mergeUser(change(ct, {metadata: {email: 'attacker@example.com'}, anonymousId: 'attacker', now: at(2_000)}));
			expect((await store.getUser(ct, 'alice'))?.metadata).toEqual({plan: 'pro', role: 'admin'});
		});

		it('measures a first verified call against the limit alone, not with what unsigned calls planted', async () => {
			const store = await makeStore();
			const ct = client();
			await store.mergeUser(change(ct, {metadata: {junk: 'x'.repeat(600)}, maxMetadataBytes: 1_000}));
			expect(await store.mergeUser(change(ct, {metadata: {bio: 'y'.repeat(600)}, verification: 'ok', maxMetadataBytes: 1_000}))).toMatchObject({ok: true});
			expect((await store.getUser(ct, 'alice'))?.metadata).toEqual({bio: 'y'.repeat(600)});
		});

		it('lets signed attributes win over unsigned metadata, now and later', async () => {
			const store = await makeStore();
			const ct = client();
			const first = await store.mergeUser(change(ct, {verification: 'ok', metadata: {plan: 'free', name: 'Ada'}, attributes: {plan: 'enterprise'}}));
			expect(first).toMatchObject({ok: true, ignored: ['plan']});
			const second = await store.mergeUser(change(ct, {verification: 'ok', metadata: {plan: 'free', seats: 2}}));
			expect(second).toMatchObject({ok: true, ignored: ['plan']});
			expect(await store.getUser(ct, 'alice')).toMatchObject({metadata: {plan: 'enterprise', name: 'Ada', seats: 2}, signedKeys: ['plan']});
		});

		it('refuses a call that would make the merged metadata too large, and changes nothing', async () => {
			const store = await makeStore();
			const ct = client();
			await store.mergeUser(change(ct, {metadata: {a: 'x'.repeat(600)}, maxMetadataBytes: 1_000}));
			// 'é' is two UTF-8 bytes: the limit is in bytes, not characters.
			const result = await store.mergeUser(change(ct, {metadata: {b: 'é'.repeat(200)}, maxMetadataBytes: 1_000, anonymousId: 'anon-2'}));
			expect(result).toEqual({ok: false, reason: 'metadata_too_large'});
			expect(await store.getUser(ct, 'alice')).toMatchObject({metadata: {a: 'x'.repeat(600)}, anonymousIds: ['anon-1'], applied: 1});
		});

		it('measures the limit as JSON.stringify does, in UTF-8 bytes: exactly at it is accepted, one byte over is refused', async () => {
			const store = await makeStore();
			const ct = client();
			await store.mergeUser(change(ct, {metadata: {name: 'é'}}));
			// Two-byte characters, and a quote and a newline that JSON escapes.
			const note = (extra: number) => '"\n' + 'é'.repeat(17) + 'x'.repeat(extra);
			const limit = Buffer.byteLength(JSON.stringify({name: 'é', note: note(2)}));
			expect(await store.mergeUser(change(ct, {metadata: {note: note(3)}, maxMetadataBytes: limit}))).toEqual({ok: false, reason: 'metadata_too_large'});
			expect(await store.mergeUser(change(ct, {metadata: {note: note(2)}, maxMetadataBytes: limit}))).toMatchObject({ok: true});
			expect((await store.getUser(ct, 'alice'))?.metadata).toEqual({name: 'é', note: note(2)});
		});

		it('creates no record for a first call whose metadata is too large', async () => {
			const store = await makeStore();
			const ct = client();
			expect(await store.mergeUser(change(ct, {metadata: {blob: 'x'.repeat(100)}, maxMetadataBytes: 50}))).toEqual({ok: false, reason: 'metadata_too_large'});
			expect(await store.getUser(ct, 'alice')).toBeUndefined();
		});

		it('keeps the newest 20 anonymous ids, moving a returning one to the end', async () => {
			const store = await makeStore();
			const ct = client();
			for (let index = 0; index < 25; index++) {
				await store.mergeUser(change(ct, {anonymousId: `anon-${index}`}));
			}

			await store.mergeUser(change(ct, {anonymousId: 'anon-10'}));
			const ids = (await store.getUser(ct, 'alice'))!.anonymousIds;
			expect(ids).toHaveLength(20);
			expect(ids.at(-1)).toBe('anon-10');
			expect(ids.filter((id) => id === 'anon-10')).toHaveLength(1);
		});

		it('loses no call when many merge into one user at once', async () => {
			const store = await makeStore();
			const ct = client();
			await Promise.all(Array.from({length: 50}, (_, index) => store.mergeUser(change(ct, {metadata: {[`k${index}`]: index}}))));
			const record = await store.getUser(ct, 'alice');
			expect(record?.applied).toBe(50);
			expect(Object.keys(record!.metadata)).toHaveLength(50);
		});

		it('stores, finds and deletes sessions, and ends every session of one user on one visitor', async () => {
			const store = await makeStore();
			const ct = client();
			await store.putSession(session(ct, `${ct}-a`));
			await store.putSession(session(ct, `${ct}-b`));
			await store.putSession(session(ct, `${ct}-other-visitor`, {anonymousId: 'anon-2'}));
			await store.putSession(session(ct, `${ct}-other-user`, {userId: 'bob'}));
			expect(await store.getSession(`${ct}-a`)).toEqual(session(ct, `${ct}-a`));
			expect(await store.deleteSessions({clientToken: ct, userId: 'alice', anonymousId: 'anon-1'})).toBe(2);
			expect(await store.getSession(`${ct}-a`)).toBeUndefined();
			expect(await store.getSession(`${ct}-b`)).toBeUndefined();
			expect(await store.getSession(`${ct}-other-visitor`)).toBeDefined();
			expect(await store.getSession(`${ct}-other-user`)).toBeDefined();
			await store.deleteSession(`${ct}-other-user`);
			expect(await store.getSession(`${ct}-other-user`)).toBeUndefined();
		});

		it('claims a call once, tells a running or finished claim, and remembers the answer until it expires', async () => {
			const store = await makeStore();
			const key = `${client()}-reply`;
			const claim = {key, fingerprint: 'f1', now: T0, expiresAt: at(60_000), staleBefore: at(-30_000)};
			expect(await store.claimReply(claim)).toEqual({state: 'claimed'});
			expect(await store.claimReply({...claim, fingerprint: 'f2'})).toEqual({state: 'running', fingerprint: 'f1'});
			await store.finishReply(key, 'sealed-answer');
			expect(await store.claimReply({...claim, now: at(59_999)})).toEqual({state: 'done', fingerprint: 'f1', sealed: 'sealed-answer'});
			expect(await store.claimReply({...claim, fingerprint: 'f3', now: at(60_000), expiresAt: at(120_000)})).toEqual({state: 'claimed'});
		});

		it('gives exactly one of 20 simultaneous claims of one call', async () => {
			const store = await makeStore();
			const claim = {key: `${client()}-race`, fingerprint: 'f1', now: T0, expiresAt: at(60_000), staleBefore: at(-30_000)};
			const results = await Promise.all(Array.from({length: 20}, () => store.claimReply(claim)));
			expect(results.filter((result) => result.state === 'claimed')).toHaveLength(1);
			expect(results.filter((result) => result.state === 'running')).toHaveLength(19);
		});

		it('lets a retry claim again after a release or once the running claim is stale', async () => {
			const store = await makeStore();
			const key = `${client()}-stale`;
			const claim = {key, fingerprint: 'f1', now: T0, expiresAt: at(60_000), staleBefore: at(-30_000)};
			await store.claimReply(claim);
			await store.releaseReply(key);
			expect(await store.claimReply(claim)).toEqual({state: 'claimed'});
			expect(await store.claimReply({...claim, now: at(10_000), staleBefore: at(-20_000)})).toMatchObject({state: 'running'});
			expect(await store.claimReply({...claim, now: at(40_000), staleBefore: at(10_000)})).toEqual({state: 'claimed'});
		});

		it('counts calls per key in aligned fixed windows', async () => {
			const store = await makeStore();
			const ct = client();
			const keys = [`${ct}-a`, `${ct}-b`];
			// T0 is a whole minute: 12:00:00.000 and 12:00:59.999 share a window, 12:01:00.000 starts the next.
			expect(await store.countCalls(keys, 60_000, T0)).toEqual([1, 1]);
			expect(await store.countCalls([keys[0]], 60_000, at(59_999))).toEqual([2]);
			expect(await store.countCalls(keys, 60_000, at(60_000))).toEqual([1, 1]);
			expect(await store.countCalls([keys[0]], 10_000, at(60_000))).toEqual([1]);
		});

		it('counts 50 simultaneous calls on one key as 1 to 50, none twice', async () => {
			const store = await makeStore();
			const key = `${client()}-burst`;
			const counts = await Promise.all(Array.from({length: 50}, () => store.countCalls([key], 60_000, T0)));
			expect(counts.map(([count]) => count).sort((a, b) => a - b)).toEqual(Array.from({length: 50}, (_, index) => index + 1));
		});

		it('summarises outcomes per code and hint since a time, newest failures first', async () => {
			const store = await makeStore();
			const ct = client();
			await store.recordOutcome({clientToken: ct, userId: 'u0', code: 'ok', at: at(-3 * 3_600_000)});
			await store.recordOutcome({clientToken: ct, userId: 'u1', code: 'ok', at: T0});
			await store.recordOutcome({clientToken: ct, userId: 'u2', code: 'hash_invalid', hint: 'wrong_key', at: at(1_000)});
			await store.recordOutcome({clientToken: ct, userId: 'u3', code: 'hash_missing', at: at(2_000)});
			const summary = await store.readiness(ct, at(-3_600_000));
			expect(summary).toEqual({
				total: 3,
				byCode: {ok: 1, hash_invalid: 1, hash_missing: 1},
				byHint: {wrong_key: 1},
				recentFailures: [
					{userId: 'u3', code: 'hash_missing', at: at(2_000).toISOString()},
					{userId: 'u2', code: 'hash_invalid', hint: 'wrong_key', at: at(1_000).toISOString()},
				],
			});
			expect((await store.readiness(ct, at(-4 * 3_600_000))).total).toBe(4);
			expect(await store.readiness(client(), T0)).toEqual({total: 0, byCode: {}, byHint: {}, recentFailures: []});
		});

		it('counts 50 simultaneous outcomes of one kind as 50, none lost', async () => {
			const store = await makeStore();
			const ct = client();
			await Promise.all(Array.from({length: 50}, (_, index) => store.recordOutcome({clientToken: ct, userId: `u${index}`, code: 'ok', at: at(index)})));
			expect(await store.readiness(ct, T0)).toMatchObject({total: 50, byCode: {ok: 50}});
		});

		it('keeps at most the 50 newest failures', async () => {
			const store = await makeStore();
			const ct = client();
			for (let index = 0; index < 60; index++) {
				await store.recordOutcome({clientToken: ct, userId: `u${index}`, code: 'hash_invalid', at: at(index)});
			}

			const {total, recentFailures} = await store.readiness(ct, T0);
			expect(total).toBe(60);
			expect(recentFailures).toHaveLength(50);
			expect(recentFailures[0].userId).toBe('u59');
		});

		it('sweeps records never verified once unverifiedRetentionHours (72) old, however active, and keeps verified ones of the same age', async () => {
			const store = await makeStore();
			const ct = client();
			const hours = (count: number) => at(count * 3_600_000);
			await store.mergeUser(change(ct, {userId: 'invented', metadata: {junk: 1}}));
			await store.mergeUser(change(ct, {userId: 'invented', metadata: {junk: 2}, now: hours(71)}));
			await store.mergeUser(change(ct, {userId: 'verified', verification: 'ok'}));
			await store.mergeUser(change(ct, {userId: 'was-verified', verification: 'hash_missing'}));
			await store.mergeUser(change(ct, {userId: 'was-verified', verification: 'ok', now: hours(1)}));
			await store.mergeUser(change(ct, {userId: 'recent', now: hours(2)}));
			await store.sweep(at(72 * 3_600_000 + 1_000));
			expect(await store.getUser(ct, 'invented')).toBeUndefined();
			expect(await store.getUser(ct, 'verified')).toMatchObject({verified: true});
			expect(await store.getUser(ct, 'was-verified')).toMatchObject({verified: true, createdAt: T0.toISOString()});
			expect(await store.getUser(ct, 'recent')).toBeDefined();
			await store.sweep(hours(75));
			expect(await store.getUser(ct, 'recent')).toBeUndefined();
			expect(await store.getUser(ct, 'verified')).toBeDefined();
		});

		it('sweeps expired sessions and answers, and keeps live ones', async () => {
			const store = await makeStore();
			const ct = client();
			await store.putSession(session(ct, `${ct}-old`, {expiresAt: at(1_000).toISOString()}));
			await store.putSession(session(ct, `${ct}-live`, {expiresAt: at(10_000).toISOString()}));
			await store.claimReply({key: `${ct}-r`, fingerprint: 'f', now: T0, expiresAt: at(1_000), staleBefore: at(-30_000)});
			await store.finishReply(`${ct}-r`, 'sealed');
			await store.sweep(at(5_000));
			expect(await store.getSession(`${ct}-old`)).toBeUndefined();
			expect(await store.getSession(`${ct}-live`)).toBeDefined();
			expect(await store.claimReply({key: `${ct}-r`, fingerprint: 'g', now: at(5_000), expiresAt: at(9_000), staleBefore: T0})).toEqual({state: 'claimed'});
		});
	});
}

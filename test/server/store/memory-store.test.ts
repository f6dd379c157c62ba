import {describe, expect, it} from 'vitest';
import {MemoryStore, type UserChange} from '../../../src/server/index';
import {describeStoreContract} from '../support/store-contract';

describeStoreContract('MemoryStore', () => new MemoryStore());

const T0 = new Date('2026-11-21T12:00:00.000Z');
const change = (userId: string, fields: Partial<UserChange> = {}): UserChange => ({
	clientToken: 'ct_test',
	userId,
	anonymousId: 'anon',
	verification: 'ok',
	now: T0,
	maxMetadataBytes: 16_384,
	...fields,
});
const session = (tokenHash: string) => ({
	tokenHash,
	clientToken: 'ct_test',
	userId: '42',
	anonymousId: `anon-${tokenHash}`,
	keyId: '0123456789abcdef',
	createdAt: T0.toISOString(),
	expiresAt: '2026-11-22T00:00:00.000Z',
});

describe('MemoryStore', () => {
	it('keeps at most maxUsers records, forgetting the least recently used first', () => {
		const store = new MemoryStore({maxUsers: 2});
		store.mergeUser(change('a'));
		store.mergeUser(change('b'));
		store.getUser('ct_test', 'a');
		store.mergeUser(change('c'));
		expect(store.users().map((record) => record.userId)).toEqual(['a', 'c']);
	});

	it('bounds users by default, so a flood of user ids cannot grow memory without end', () => {
		const store = new MemoryStore();
		for (let index = 0; index < 10_050; index++) {
			store.mergeUser(change(`u${index}`));
		}

		expect(store.users()).toHaveLength(10_000);
		expect(store.getUser('ct_test', 'u0')).toBeUndefined();
	});

	it('does not let a flood of unverified user ids evict a verified record, and so reopen it to planted metadata', () => {
		const store = new MemoryStore();
		store.mergeUser(change('1042', {metadata: {plan: 'pro'}}));
		for (let index = 0; index < 10_050; index++) {
			store.mergeUser(change(`junk-${index}`, {verification: 'hash_missing'}));
		}

		store.mergeUser(change('1042', {verification: 'hash_missing', metadata: {email: 'attacker@example.com'}}));
		expect(store.getUser('ct_test', '1042')).toMatchObject({metadata: {plan: 'pro'}, verified: true, unverifiedCalls: 1});
		expect(store.getUser('ct_test', 'junk-0')).toBeUndefined();
		expect(store.users()).toHaveLength(10_001);
	});

	it('keeps records never verified apart, at most maxUnverifiedUsers, and moves one to the verified at its first verification', () => {
		const store = new MemoryStore({maxUsers: 2, maxUnverifiedUsers: 2});
		store.mergeUser(change('a', {verification: 'hash_invalid'}));
		store.mergeUser(change('b', {verification: 'hash_invalid'}));
		store.mergeUser(change('a'));
		store.mergeUser(change('c', {verification: 'hash_invalid'}));
		store.mergeUser(change('d', {verification: 'hash_invalid'}));
		expect(store.users().map((record) => record.userId)).toEqual(['a', 'c', 'd']);
		expect(store.getUser('ct_test', 'a')?.verified).toBe(true);
		expect(store.getUser('ct_test', 'b')).toBeUndefined();
	});

	it('hands out frozen records, so nobody can change what is stored, and copies in users()', () => {
		const store = new MemoryStore();
		store.mergeUser(change('42', {metadata: {plan: 'pro'}}));
		const record = store.getUser('ct_test', '42')!;
		expect(() => {
			(record.metadata as Record<string, unknown>).plan = 'hacked';
		}).toThrow(TypeError);
		store.users()[0].metadata.plan = 'hacked too';
		expect(store.getUser('ct_test', '42')?.metadata.plan).toBe('pro');
	});

	it('shares unchanged metadata values with the previous record instead of copying them', () => {
		const store = new MemoryStore();
		const big = {list: Array.from({length: 100}, (_, index) => index)};
		store.mergeUser(change('42', {metadata: {big}}));
		store.mergeUser(change('42', {metadata: {small: 1}}));
		expect(store.getUser('ct_test', '42')!.metadata.big).toBe(big);
	});

	it('keeps the same metadata and visitor list when a visitor sends what it sent before, and still applies a change', () => {
		const store = new MemoryStore();
		store.mergeUser(change('42', {metadata: {plan: 'pro', seats: 3}}));
		const first = store.getUser('ct_test', '42')!;
		store.mergeUser(change('42', {metadata: {plan: 'pro'}, now: new Date(T0.getTime() + 1_000)}));
		const again = store.getUser('ct_test', '42')!;
		expect(again.metadata).toBe(first.metadata);
		expect(again.anonymousIds).toBe(first.anonymousIds);
		expect(again).toMatchObject({applied: 2, updatedAt: '2026-11-21T12:00:01.000Z'});
		store.mergeUser(change('42', {metadata: {plan: 'free', nested: {a: 1}}}));
		expect(store.getUser('ct_test', '42')!.metadata).toEqual({plan: 'free', seats: 3, nested: {a: 1}});
	});

	it('forgets the oldest sessions and replies past its limits', () => {
		const store = new MemoryStore({maxSessions: 2, maxReplies: 2});
		for (const hash of ['a', 'b', 'c']) {
			store.putSession(session(hash));
			store.claimReply({key: hash, fingerprint: 'f', now: T0, expiresAt: new Date('2026-11-22T00:00:00.000Z'), staleBefore: T0});
		}

		expect(store.getSession('a')).toBeUndefined();
		expect(store.sessions().map((entry) => entry.tokenHash)).toEqual(['b', 'c']);
		expect(store.replies().map((reply) => reply.key)).toEqual(['b', 'c']);
		expect(store.deleteSessions({clientToken: 'ct_test', userId: '42', anonymousId: 'anon-a'})).toBe(0);
		expect(store.deleteSessions({clientToken: 'ct_test', userId: '42', anonymousId: 'anon-b'})).toBe(1);
		expect(store.sessions()).toHaveLength(1);
	});

	it('keeps at most maxCounters rate counters', () => {
		const store = new MemoryStore({maxCounters: 100});
		for (let index = 0; index < 1_000; index++) {
			store.countCalls([`visitor-${index}`], 60_000, T0);
		}

		// The newest counters are kept: the last visitor's second call counts 2.
		expect(store.countCalls(['visitor-999'], 60_000, T0)).toEqual([2]);
		expect(store.countCalls(['visitor-0'], 60_000, T0)).toEqual([1]);
	});

	it('keeps a counter that goes on counting while a flood of new keys comes, instead of starting it again', () => {
		const store = new MemoryStore({maxCounters: 3});
		for (let index = 0; index < 50; index++) {
			store.countCalls(['ip'], 60_000, T0);
			store.countCalls([`visitor-${index}`], 60_000, T0);
		}

		expect(store.countCalls(['ip'], 60_000, T0)).toEqual([51]);
	});

	it('refuses limits that are not numbers of at least 1', () => {
		expect(() => new MemoryStore({maxUsers: 0})).toThrow(/maxUsers/);
		expect(() => new MemoryStore({maxUnverifiedUsers: 0})).toThrow(/maxUnverifiedUsers/);
		expect(() => new MemoryStore({unverifiedRetentionHours: 0})).toThrow(/unverifiedRetentionHours/);
	});
});

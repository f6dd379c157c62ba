import {describe, expect, it} from 'vitest';
import {MemoryStore, type UserRecord} from '../../src/server/index';

const record = (userId: string): UserRecord => ({
	clientToken: 'ct_test',
	userId,
	metadata: {plan: 'pro'},
	anonymousIds: ['anon'],
	verified: true,
	verification: 'ok',
	createdAt: '2026-11-21T12:00:00.000Z',
	updatedAt: '2026-11-21T12:00:00.000Z',
	applied: 1,
});

const session = (tokenHash: string) => ({
	tokenHash,
	clientToken: 'ct_test',
	userId: '42',
	anonymousId: 'anon',
	createdAt: '2026-11-21T12:00:00.000Z',
	expiresAt: '2026-11-22T00:00:00.000Z',
});

describe('MemoryStore', () => {
	it('keeps one record per client token and user id', () => {
		const store = new MemoryStore();
		store.putUser(record('42'));
		store.putUser({...record('42'), applied: 2});
		store.putUser({...record('42'), clientToken: 'ct_other'});
		expect(store.users('ct_test')).toHaveLength(1);
		expect(store.getUser('ct_test', '42')?.applied).toBe(2);
		expect(store.users()).toHaveLength(2);
	});

	it('copies records in and out, so callers cannot change what is stored', () => {
		const store = new MemoryStore();
		const original = record('42');
		store.putUser(original);
		original.metadata.plan = 'hacked';
		store.getUser('ct_test', '42')!.metadata.plan = 'hacked too';
		expect(store.getUser('ct_test', '42')?.metadata.plan).toBe('pro');
	});

	it('forgets the oldest sessions and replies past its limits', () => {
		const store = new MemoryStore({maxSessions: 2, maxReplies: 2});
		for (const hash of ['a', 'b', 'c']) {
			store.putSession(session(hash));
			store.putReply({key: hash, sealed: 'x', createdAt: '2026-11-21T12:00:00.000Z'});
		}

		expect(store.getSession('a')).toBeUndefined();
		expect(store.sessions().map((entry) => entry.tokenHash)).toEqual(['b', 'c']);
		expect(store.getReply('a')).toBeUndefined();
		expect(store.getReply('c')).toBeDefined();
		store.deleteSession('b');
		expect(store.sessions()).toHaveLength(1);
	});
});

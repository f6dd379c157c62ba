import {randomUUID} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {MemoryStore, signIdentity} from '../../../src/server/index';
import {identifyBody, SECRET, serve} from '../support/helpers';

// Issue 8, item 1: identify calls for one user id, each from a fresh
// visitor and each adding new metadata keys, used to grow one record
// without bound. Default settings here: the defaults are what protect.
const api = await serve({store: new MemoryStore({maxUsers: 50, maxUnverifiedUsers: 50})});

// About 4 KiB of new keys per call: four calls fill a record's 16 KiB.
const bloat = (call: number) => Object.fromEntries(Array.from({length: 100}, (_, index) => [`k${call}_${index}`, 'x'.repeat(24)]));
const recordOf = (userId: string) => api.store.users('ct_test').find((record) => record.userId === userId);

describe('one user record cannot be bloated', () => {
	it('refuses (400, naming the 16 KiB limit) a call that would make the merged metadata too large, and changes nothing', async () => {
		const answers = [];
		for (let call = 0; call < 6; call++) {
			answers.push(await api.post('/v1/identify', identifyBody({userId: 'bloated', anonymousId: randomUUID(), metadata: bloat(call), hash: signIdentity('bloated', SECRET).hash})));
		}

		const refused = answers.find((answer) => answer.status !== 200)!;
		expect(refused.status).toBe(400);
		expect(refused.body.error).toMatchObject({code: 'invalid_request', field: 'metadata'});
		expect(refused.body.error.message).toMatch(/16384 bytes \(16 KiB\)/);
		const record = recordOf('bloated')!;
		expect(Buffer.byteLength(JSON.stringify(record.metadata))).toBeLessThanOrEqual(16 * 1024);
		expect(record.applied).toBe(answers.filter((answer) => answer.status === 200).length);
	});

	it('does not let unsigned calls store more than 4 KiB of metadata for a user id, and says that verifying allows 16 KiB', async () => {
		const first = await api.post('/v1/identify', identifyBody({userId: 'invented-1', metadata: bloat(0)}));
		expect(first.status).toBe(200);
		const refused = await api.post('/v1/identify', identifyBody({userId: 'invented-1', metadata: bloat(1)}));
		expect(refused.status).toBe(400);
		expect(refused.body.error).toMatchObject({code: 'invalid_request', field: 'metadata'});
		expect(refused.body.error.message).toMatch(/4096 bytes \(4 KiB\).*not verified.*verify the user.*16384 bytes \(16 KiB\)/);
		expect(recordOf('invented-1')!.metadata).toEqual(bloat(0));
		// Alone past 4 KiB: no record at all.
		expect((await api.post('/v1/identify', identifyBody({userId: 'invented-2', metadata: {...bloat(0), ...bloat(1)}}))).status).toBe(400);
		expect(recordOf('invented-2')).toBeUndefined();
		// The real user, verified, may store it.
		const verified = await api.post('/v1/identify', identifyBody({userId: 'invented-2', metadata: {...bloat(0), ...bloat(1)}, hash: signIdentity('invented-2', SECRET).hash}));
		expect(verified.status).toBe(200);
	});

	it('meets a 429 within 300 unsigned calls for one user id from 300 visitors in a minute', async () => {
		const statuses: number[] = [];
		for (let call = 0; call < 300; call++) {
			statuses.push((await api.post('/v1/identify', identifyBody({userId: 'flooded', anonymousId: randomUUID(), metadata: {n: call}}))).status);
		}

		expect(statuses).toContain(429);
		// The window's first 60 went through; everything after met the limit.
		expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(120);
		expect(recordOf('flooded')!.applied).toBeLessThanOrEqual(120);
	});

	it('still lets the real user in, with a valid hash, while their user id is flooded', async () => {
		for (let call = 0; call < 80; call++) {
			await api.post('/v1/identify', identifyBody({userId: 'victim', anonymousId: randomUUID()}));
		}

		const answer = await api.post('/v1/identify', identifyBody({userId: 'victim', hash: signIdentity('victim', SECRET).hash}));
		expect(answer.status).toBe(200);
		expect(answer.body.verified).toBe(true);
	});

	it('keeps at most maxUnverifiedUsers records never verified in a MemoryStore, however many user ids come', async () => {
		for (let call = 0; call < 80; call++) {
			await api.post('/v1/identify', identifyBody({userId: `many-${call}`}));
		}

		expect(api.store.users().filter((record) => record.verifiedAt === null).length).toBe(50);
	});
});

// Issue 8, item 3: in monitor mode, 21 unsigned identify calls used to
// merge an attacker's metadata into a verified user, push the user's own
// anonymous ids out of the list of 20, and set verified: false.
describe('monitor mode cannot rewrite a verified user', () => {
	it('does not let 21 unsigned calls change the metadata, anonymous ids or verified state of a verified user', async () => {
		const alice = randomUUID();
		const first = await api.post('/v1/identify', identifyBody({userId: 'alice', anonymousId: alice, metadata: {email: 'alice@example.com', plan: 'pro'}, hash: signIdentity('alice', SECRET).hash}));
		expect(first.body.verified).toBe(true);
		const before = recordOf('alice')!;

		const answers = [];
		for (let call = 0; call < 21; call++) {
			answers.push(await api.post('/v1/identify', identifyBody({userId: 'alice', anonymousId: `attacker-${call}`, metadata: {email: 'evil@example.com', plan: 'free'}})));
		}

		expect(answers.every((answer) => answer.status === 200 && answer.body.verified === false)).toBe(true);
		expect(answers[0].body.ignored).toEqual(['email', 'plan']);
		const after = recordOf('alice')!;
		expect(after).toMatchObject({metadata: {email: 'alice@example.com', plan: 'pro'}, anonymousIds: [alice], verified: true, verification: 'ok'});
		expect(after.applied).toBe(before.applied);
		expect(after.unverifiedCalls).toBe(21);
	});

	it('does not keep metadata an unsigned call planted once the user is verified', async () => {
		// The attacker knows user 1042's id, not their hash: in monitor mode the call is answered.
		const planted = await api.post('/v1/identify', identifyBody({userId: '1042', anonymousId: 'attacker', metadata: {email: 'attacker@example.com'}}));
		expect(planted.body.verified).toBe(false);
		const real = randomUUID();
		const verified = await api.post('/v1/identify', identifyBody({userId: '1042', anonymousId: real, metadata: {plan: 'pro'}, hash: signIdentity('1042', SECRET).hash}));
		expect(verified.body.verified).toBe(true);
		expect(recordOf('1042')).toMatchObject({metadata: {plan: 'pro'}, anonymousIds: [real], verified: true});
		await api.post('/v1/identify', identifyBody({userId: '1042', anonymousId: 'attacker', metadata: {email: 'attacker@example.com'}}));
		expect(recordOf('1042')!.metadata).toEqual({plan: 'pro'});
	});

	it('still applies the next verified call', async () => {
		const answer = await api.post('/v1/identify', identifyBody({userId: 'alice', metadata: {plan: 'team'}, hash: signIdentity('alice', SECRET).hash}));
		expect(answer.body.ignored).toBeUndefined();
		expect(recordOf('alice')!.metadata).toEqual({email: 'alice@example.com', plan: 'team'});
	});
});

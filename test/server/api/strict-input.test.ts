import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createIdentityHandler, type IdentityStore, MemoryStore, signIdentity, SigningError, startServer, verifyIdentity} from '../../../src/server/index';
import {hmacSha256} from '../../../src/server/sign/hmac';
import {PostgresStore} from '../../../src/server/store/postgres/index';
import {describePostgres, type PostgresCluster, startPostgres} from '../../support/postgres';
import {identifyBody, SECRET, serve} from '../support/helpers';

const api = await serve();

// Issue 8, item 4: UTF-8 encodes a lone surrogate as U+FFFD, so 'bob\uD800'
// used to verify with the hash signed for 'bob\uFFFD'.
const LONE_SURROGATES = ['bob\uD800', 'bob\uDC00', '\uDFFFbob', 'a\uDC00\uD800b'];
const replacementHash = hmacSha256(SECRET, 'bob\uFFFD').toString('hex');

// Issue 8, item 7: anything Date.parse reads used to be accepted, and a time
// without a zone then meant what the server's time zone said.
const LOOSE_EXPIRATIONS = ['1', '2030', '2030-01-01', '2026-11-21T12:00:00', '2026-11-21T12:00:00Z', '2026-11-21T12:00:00.000+00:00', '2026-11-21 12:00:00.000Z', '2026-02-30T12:00:00.000Z', ' 2030-01-01T00:00:00.000Z'];

describe('lone surrogates in user ids', () => {
	it('does not verify a lone surrogate with the hash of its replacement character', () => {
		for (const userId of LONE_SURROGATES) {
			expect(verifyIdentity({userId, hash: replacementHash}, SECRET)).toEqual({ok: false, code: 'hash_invalid'});
		}

		expect(verifyIdentity({userId: 'bob\uFFFD', hash: replacementHash}, SECRET)).toEqual({ok: true, keyIndex: 0});
	});

	it('refuses to sign a lone surrogate, with invalid_user_id', () => {
		for (const userId of LONE_SURROGATES) {
			expect(() => signIdentity(userId, SECRET)).toThrow(SigningError);
			expect(() => signIdentity(userId, SECRET)).toThrow(/lone surrogate/);
		}
	});

	it('signs and verifies a well-formed pair (an emoji) as before', () => {
		const {hash} = signIdentity('bob😀', SECRET);
		expect(verifyIdentity({userId: 'bob😀', hash}, SECRET).ok).toBe(true);
	});

	it('answers 400 invalid_request on userId through the API, and writes nothing', async () => {
		for (const userId of LONE_SURROGATES) {
			const answer = await api.post('/v1/identify', identifyBody({userId, hash: replacementHash}));
			expect(answer.status).toBe(400);
			expect(answer.body.error).toMatchObject({code: 'invalid_request', field: 'userId'});
		}

		expect(api.store.users()).toEqual([]);
	});
});

describe('expirations are only YYYY-MM-DDTHH:mm:ss.sssZ', () => {
	it('refuses to sign any other spelling, as invalid_expiration', () => {
		for (const expiration of LOOSE_EXPIRATIONS) {
			expect(() => signIdentity('42', SECRET, {expiration})).toThrow(SigningError);
		}

		expect(signIdentity('42', SECRET, {expiration: '2030-01-01T00:00:00.000Z'}).expiration).toBe('2030-01-01T00:00:00.000Z');
	});

	it('answers hash_invalid for a right signature over a loosely written expiration', () => {
		for (const expiration of LOOSE_EXPIRATIONS) {
			const hash = hmacSha256(SECRET, `42\n${expiration}`).toString('hex');
			expect(verifyIdentity({userId: '42', hash, expiration}, SECRET, {now: new Date('2026-01-01T00:00:00.000Z')})).toEqual({ok: false, code: 'hash_invalid'});
		}
	});

	it('answers 400 invalid_request on expiration through the API', async () => {
		for (const expiration of LOOSE_EXPIRATIONS) {
			const hash = hmacSha256(SECRET, `42\n${expiration}`).toString('hex');
			const answer = await api.post('/v1/identify', identifyBody({expiration, hash}));
			expect(answer.status).toBe(400);
			expect(answer.body.error).toMatchObject({code: 'invalid_request', field: 'expiration'});
		}
	});
});

// Issue #30, item 5: text no store can hold (PostgreSQL refuses U+0000 in
// text and jsonb, and a lone surrogate in jsonb) reached PostgresStore and
// failed there: 503 store_unavailable with Retry-After, so the SDK retried
// a call that can never succeed and operators saw a database fault. It is
// a 400 naming the field, on every store.
const UNSTORABLE = ['bob\uD800', '\uDC00bob', 'bob\u0000'];
const UNSTORABLE_CALLS: Array<[field: string, body: () => Record<string, unknown>]> = UNSTORABLE.flatMap((text) => [
	['anonymousId', () => identifyBody({anonymousId: `a-${text}`})],
	['messageId', () => identifyBody({messageId: `m-${text}`})],
	['userId', () => identifyBody({userId: `u-${text}`})],
	['metadata', () => identifyBody({metadata: {note: `n-${text}`}})],
	['metadata', () => identifyBody({metadata: {[`k-${text}`]: 1}})],
	['metadata', () => identifyBody({metadata: {deep: [{list: [`v-${text}`]}]}})],
]);

function describeUnstorableIds(name: string, makeStore: () => Promise<IdentityStore>, done: () => Promise<void> = async () => {}): void {
	describe(`text no store can hold, on ${name}`, () => {
		let url: string;
		let close: () => Promise<void>;
		beforeAll(async () => {
			const server = await startServer(createIdentityHandler({clients: {ct_test: {secrets: [SECRET]}}, store: await makeStore()}));
			url = server.url;
			close = () => server.close();
		});
		afterAll(async () => {
			await close?.();
			await done();
		});

		it('answers 400 invalid_request naming the field, never a 503 the SDK would retry', async () => {
			for (const [field, body] of UNSTORABLE_CALLS) {
				const response = await fetch(`${url}/v1/identify`, {method: 'POST', headers: {'Content-Type': 'text/plain;charset=UTF-8'}, body: JSON.stringify(body())});
				const answer = await response.json();
				expect({field, status: response.status, error: answer.error}).toMatchObject({field, status: 400, error: {code: 'invalid_request', field}});
				expect(response.headers.get('retry-after')).toBeNull();
			}

			// A well-formed pair (an emoji) is text like any other.
			const fine = await fetch(`${url}/v1/identify`, {method: 'POST', body: JSON.stringify(identifyBody({anonymousId: 'a-😀', messageId: 'm-😀', metadata: {note: '😀'}}))});
			expect(fine.status).toBe(200);
		});
	});
}

describeUnstorableIds('MemoryStore', async () => new MemoryStore());

describePostgres('PostgresStore over HTTP', () => {
	let cluster: PostgresCluster | undefined;
	let store: PostgresStore | undefined;
	describeUnstorableIds(
		'PostgresStore',
		async () => {
			cluster = await startPostgres();
			store = new PostgresStore({connectionString: await cluster.createDatabase()}, {sweepIntervalMs: 0});
			await store.migrate();
			return store;
		},
		async () => {
			await store?.close();
			await cluster?.remove();
		},
	);
});

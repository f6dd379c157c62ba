import {describe, expect, it} from 'vitest';
import {signIdentity, SigningError, verifyIdentity} from '../../src/server/index';
import {hmacSha256} from '../../src/server/hmac';
import {identifyBody, SECRET, serve} from './helpers';

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

import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {signIdentity, verifyIdentity} from '../../../src/server/index';

const OLD = 'sk_test_old_Hq81';
const NEW = 'sk_test_new_Zt40';
const hex = signIdentity('42', NEW).hash;
const bytes = Buffer.from(hex, 'hex');
const base64 = bytes.toString('base64');
const base64url = bytes.toString('base64url');
const invalid = {ok: false, code: 'hash_invalid'};

function flipBit(index: number): Buffer {
	const copy = Buffer.from(bytes);
	copy[index >> 3] ^= 1 << (index & 7);
	return copy;
}

describe('verifyIdentity', () => {
	it('accepts the right hash and says which key matched', () => {
		expect(verifyIdentity({userId: '42', hash: hex}, [NEW])).toEqual({ok: true, keyIndex: 0});
		expect(verifyIdentity({userId: 42, hash: hex}, NEW)).toEqual({ok: true, keyIndex: 0});
	});

	it('answers hash_missing when no hash is given', () => {
		for (const hash of [undefined, null, '']) {
			expect(verifyIdentity({userId: '42', hash} as {userId: string}, NEW)).toEqual({ok: false, code: 'hash_missing'});
		}

		expect(verifyIdentity({userId: '42'}, NEW)).toEqual({ok: false, code: 'hash_missing'});
	});

	it("answers hash_invalid for another user's hash", () => {
		expect(verifyIdentity({userId: '43', hash: hex}, NEW)).toEqual(invalid);
		expect(verifyIdentity({userId: '42 ', hash: hex}, NEW)).toEqual(invalid);
	});

	it('answers hash_invalid when any single bit is flipped', () => {
		for (let index = 0; index < 256; index += 1) {
			const flipped = flipBit(index);
			expect(verifyIdentity({userId: '42', hash: flipped.toString('hex')}, NEW)).toEqual(invalid);
			expect(verifyIdentity({userId: '42', hash: flipped.toString('base64')}, NEW)).toEqual(invalid);
		}
	});

	it('answers hash_invalid when one hex character is changed', () => {
		const changed = (hex[10] === 'a' ? 'b' : 'a');
		expect(verifyIdentity({userId: '42', hash: hex.slice(0, 10) + changed + hex.slice(11)}, NEW)).toEqual(invalid);
	});

	it('answers hash_invalid for truncated, too long, prefixed or mixed-alphabet hashes', () => {
		const bad = [
			hex.slice(0, 63),
			`${hex}0`,
			hex.slice(0, 32),
			`0x${hex}`,
			`0x${hex.slice(2)}`,
			base64.slice(0, 40),
			`${base64}=`,
			// base64 with one '+' or '/' and base64url's '-' or '_' together.
			`-+${base64.slice(2)}`,
			`_/${base64.slice(2)}`,
			`${hex.slice(0, 62)}zz`,
			'not a hash at all',
			' ',
		];
		for (const hash of bad) {
			expect(verifyIdentity({userId: '42', hash}, NEW), hash).toEqual(invalid);
		}
	});

	it('refuses a base64 string whose last character has unused bits set', () => {
		const last = base64[42];
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
		const nonCanonical = alphabet[alphabet.indexOf(last) + 1];
		// Same bytes once decoded leniently, so only the canonical check refuses it.
		expect(Buffer.from(base64.slice(0, 42) + nonCanonical + '=', 'base64').equals(bytes)).toBe(true);
		expect(verifyIdentity({userId: '42', hash: base64.slice(0, 42) + nonCanonical + '='}, NEW)).toEqual(invalid);
	});

	it('accepts uppercase hex, surrounding whitespace, base64 with or without padding and base64url', () => {
		for (const hash of [hex.toUpperCase(), ` ${hex}\n`, base64, base64.replace(/=$/, ''), base64url, `\t${base64}  `]) {
			expect(verifyIdentity({userId: '42', hash}, NEW), hash).toEqual({ok: true, keyIndex: 0});
		}
	});

	it('accepts base64 where hex was signed and the reverse, since the bytes are the same', () => {
		const signedBase64 = signIdentity('42', NEW, {encoding: 'base64'}).hash;
		expect(verifyIdentity({userId: '42', hash: Buffer.from(signedBase64, 'base64').toString('hex')}, NEW).ok).toBe(true);
		expect(verifyIdentity({userId: '42', hash: base64}, NEW).ok).toBe(true);
	});

	it('answers hash_invalid for inputs of the wrong type, without throwing', () => {
		const inputs: unknown[] = [
			undefined,
			null,
			42,
			'42',
			[],
			['42', hex],
			{userId: null, hash: hex},
			{userId: '', hash: hex},
			{userId: 1.5, hash: hex},
			{userId: {}, hash: hex},
			{userId: '42', hash: 42},
			{userId: '42', hash: {}},
			{userId: '42', hash: [hex]},
			{userId: '42', hash: Buffer.from(hex)},
			{userId: '42', hash: hex, expiration: 12},
			{userId: '42', hash: hex, expiration: 'not a date'},
			{userId: '42', hash: hex, expiration: ''},
			{
				get userId(): string {
					throw new Error('a getter that throws');
				},
				hash: hex,
			},
			new Proxy({}, {get: () => {
				throw new Error('a proxy that throws');
			}}),
		];
		for (const input of inputs) {
			expect(verifyIdentity(input as {userId: string}, NEW)).toEqual(invalid);
		}
	});

	it('answers hash_invalid for a hash signed with a retired key', () => {
		const oldHash = signIdentity('42', OLD).hash;
		expect(verifyIdentity({userId: '42', hash: oldHash}, [NEW])).toEqual(invalid);
	});

	it('accepts both keys during a rotation and names the one that matched', () => {
		expect(verifyIdentity({userId: '42', hash: signIdentity('42', OLD).hash}, [OLD, NEW])).toEqual({ok: true, keyIndex: 0});
		expect(verifyIdentity({userId: '42', hash: hex}, [OLD, NEW])).toEqual({ok: true, keyIndex: 1});
	});

	describe('expirations', () => {
		const expiration = '2026-11-21T12:00:00.000Z';
		const signed = signIdentity('42', NEW, {expiration});
		const at = (offsetSeconds: number) => new Date(Date.parse(expiration) + offsetSeconds * 1000);

		it('accepts a hash up to its expiration plus 60 s of skew, exactly at the limit included', () => {
			expect(verifyIdentity(signed, NEW, {now: at(-3600)}).ok).toBe(true);
			expect(verifyIdentity(signed, NEW, {now: at(60)}).ok).toBe(true);
		});

		it('answers hash_expired one second past the skew', () => {
			expect(verifyIdentity(signed, NEW, {now: at(61)})).toEqual({ok: false, code: 'hash_expired'});
			expect(verifyIdentity(signed, NEW, {now: new Date(Date.parse(expiration) + 60_001)})).toEqual({ok: false, code: 'hash_expired'});
		});

		it('accepts a hash that expires far in the future', () => {
			const far = signIdentity('42', NEW, {expiration: '2999-01-01T00:00:00.000Z'});
			expect(verifyIdentity(far, NEW)).toEqual({ok: true, keyIndex: 0});
		});

		it('honours a custom clock skew', () => {
			expect(verifyIdentity(signed, NEW, {now: at(5), clockSkewSeconds: 0})).toEqual({ok: false, code: 'hash_expired'});
			expect(verifyIdentity(signed, NEW, {now: at(0), clockSkewSeconds: 0}).ok).toBe(true);
			expect(verifyIdentity(signed, NEW, {now: at(299), clockSkewSeconds: 300}).ok).toBe(true);
		});

		it('answers hash_invalid when the expiration is re-serialised with another precision', () => {
			expect(verifyIdentity({...signed, expiration: '2026-11-21T12:00:00Z'}, NEW, {now: at(-10)})).toEqual(invalid);
		});

		it('answers hash_invalid when the expiration is dropped or moved, rather than hash_expired', () => {
			expect(verifyIdentity({userId: '42', hash: signed.hash}, NEW)).toEqual(invalid);
			expect(verifyIdentity({...signed, expiration: '2030-01-01T00:00:00.000Z'}, NEW, {now: at(61)})).toEqual(invalid);
		});

		it('does not let a user id ending in a timestamp borrow an expiring hash', () => {
			expect(verifyIdentity({userId: `42\n${expiration}`, hash: signed.hash}, NEW)).toEqual(invalid);
		});
	});

	it('throws a TypeError for misconfigured secrets or options', () => {
		expect(() => verifyIdentity({userId: '42', hash: hex}, [])).toThrow(TypeError);
		expect(() => verifyIdentity({userId: '42', hash: hex}, '')).toThrow(TypeError);
		expect(() => verifyIdentity({userId: '42', hash: hex}, [NEW, ''])).toThrow(TypeError);
		expect(() => verifyIdentity({userId: '42', hash: hex}, [NEW, 42 as unknown as string])).toThrow(TypeError);
		expect(() => verifyIdentity({userId: '42', hash: hex}, NEW, {now: new Date(Number.NaN)})).toThrow(TypeError);
		expect(() => verifyIdentity({userId: '42', hash: hex}, NEW, {clockSkewSeconds: -1})).toThrow(TypeError);
	});

	it('never throws on random input and always answers one of the three codes', () => {
		const codes = ['hash_missing', 'hash_invalid', 'hash_expired'];
		const check = (input: unknown) => {
			const result = verifyIdentity(input as {userId: string}, [OLD, NEW]);
			return result.ok ? result.keyIndex === 1 : codes.includes(result.code);
		};

		fc.assert(fc.property(fc.anything(), check), {numRuns: 500});
		fc.assert(
			fc.property(fc.anything(), fc.anything(), fc.anything(), (userId, hash, expiration) => check({userId, hash, expiration})),
			{numRuns: 500},
		);
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.integer()), fc.constantFrom(hex, base64, base64url, ''), fc.option(fc.string()), (userId, hash, expiration) =>
				check({userId, hash, expiration}),
			),
			{numRuns: 500},
		);
	});
});

import {describe, expect, it} from 'vitest';
import {randomBytesFromPool} from '../../../src/server/api/random-pool';

describe('randomBytesFromPool', () => {
	it('never hands out the same bytes twice, across many refills of the pool', () => {
		// 1,000 tokens of 32 bytes go through the 4 KiB pool about eight times.
		const tokens = Array.from({length: 1000}, () => randomBytesFromPool(32).toString('hex'));
		expect(new Set(tokens).size).toBe(1000);
		expect(tokens.every((token) => token.length === 64)).toBe(true);
	});

	it('gives bytes the caller owns: a later refill does not change them', () => {
		const first = randomBytesFromPool(32);
		const kept = Buffer.from(first);
		for (let i = 0; i < 300; i++) {
			randomBytesFromPool(32);
		}

		expect(first.equals(kept)).toBe(true);
	});

	it('refuses to give more than the pool holds instead of repeating bytes', () => {
		expect(() => randomBytesFromPool(4097)).toThrow(RangeError);
	});
});

import {describe, expect, it} from 'vitest';
import {LruMap} from '../../../src/server/store/lru-map';

describe('LruMap', () => {
	it('forgets the least recently used entry first once past its size, telling onEvict', () => {
		const evicted: string[] = [];
		const map = new LruMap<number>(2, (key) => evicted.push(key));
		map.touch('a', 1);
		map.touch('b', 2);
		map.touch('a', 3);
		map.touch('c', 4);
		expect([...map.entries()]).toEqual([
			['a', 3],
			['c', 4],
		]);
		expect(evicted).toEqual(['b']);
	});

	it('forgets in the same order as a plain Map trimmed from its front, through any mix of touches and deletions', () => {
		let seed = 7;
		const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
		for (const max of [1, 3, 10, 50]) {
			const map = new LruMap<number>(max);
			const model = new Map<string, number>();
			for (let step = 0; step < 5_000; step++) {
				const key = `k${Math.floor(random() * 80)}`;
				if (random() < 0.15) {
					map.delete(key);
					model.delete(key);
				} else {
					map.touch(key, step);
					model.delete(key);
					model.set(key, step);
					while (model.size > max) {
						model.delete(model.keys().next().value!);
					}
				}
			}

			expect([...map.entries()]).toEqual([...model.entries()]);
		}
	});
});

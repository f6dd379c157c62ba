import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {expirationString} from '../../../src/shared/message';
import {compoundKey} from '../../../src/server/store/compound-key';
import {expirationTime, isoTime} from '../../../src/server/store/instant';

// The API checks expirations with expirationTime (no date formatting per
// call); the SDK and signIdentity with expirationString. A string one
// accepts and the other refuses would be a hash the SDK sends and the API
// answers 400, or the other way round.
const agree = (text: string) => {
	const shared = expirationString(text);
	expect(expirationTime(text), text).toBe(shared === undefined ? undefined : Date.parse(shared));
};

const digits = (length: number) => fc.string({unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length});

describe('expirationTime', () => {
	it('accepts exactly the strings toISOString writes, as the shared check does', () => {
		for (const text of [
			'2026-11-21T12:00:00.000Z',
			'2024-02-29T00:00:00.000Z',
			'2000-02-29T23:59:59.999Z',
			'0000-01-01T00:00:00.000Z',
			'9999-12-31T23:59:59.999Z',
			'2026-02-29T00:00:00.000Z',
			'1900-02-29T00:00:00.000Z',
			'2026-02-30T00:00:00.000Z',
			'2026-04-31T00:00:00.000Z',
			'2026-01-01T24:00:00.000Z',
			'2026-01-01T23:60:00.000Z',
			'2026-13-01T00:00:00.000Z',
			'2026-00-10T00:00:00.000Z',
			'2026-01-00T00:00:00.000Z',
			'2026-11-21T12:00:00Z',
			'2026-11-21T12:00:00.000+00:00',
			'2026-11-21 12:00:00.000Z',
			'+002026-11-21T12:00:00.000Z',
			'2026-11-21T12:00:00.000Z\n',
			'٢٠٢٦-11-21T12:00:00.000Z',
			'',
		]) {
			agree(text);
		}
	});

	it('agrees with the shared check on every date-shaped string, valid or not', () => {
		const shaped = fc
			.tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), digits(3))
			.map(([year, month, day, hour, minute, second, ms]) => `${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}Z`);
		fc.assert(fc.property(shaped, (text) => agree(text)), {numRuns: 20_000});
		fc.assert(fc.property(fc.date({min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true}), (date) => agree(date.toISOString())));
		fc.assert(fc.property(fc.string(), (text) => agree(text)));
	});
});

describe('isoTime', () => {
	it('writes what toISOString writes, for one instant after another', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({min: -8.64e15, max: 8.64e15}), {maxLength: 5}), (times) => {
				for (const time of [...times, ...times]) {
					expect(isoTime(new Date(time))).toBe(new Date(time).toISOString());
				}
			}),
		);
	});
});

describe('compoundKey', () => {
	it('gives different keys to different lists of parts, whatever characters they hold', () => {
		const part = fc.string({unit: fc.constantFrom('a', ':', '1', '0', '\u0000', '"')});
		fc.assert(
			fc.property(fc.tuple(part, part, part, part), fc.tuple(part, part, part, part), (a, b) => {
				const same = a.every((value, index) => value === b[index]);
				expect(compoundKey(a[0], a[1], a[2], a[3]) === compoundKey(b[0], b[1], b[2], b[3])).toBe(same);
				expect(compoundKey(a[0], a[1], a[2]) === compoundKey(b[0], b[1], b[2])).toBe(a[0] === b[0] && a[1] === b[1] && a[2] === b[2]);
				expect(compoundKey(a[0], a[1]) === compoundKey(b[0], b[1])).toBe(a[0] === b[0] && a[1] === b[1]);
			}),
		);
	});
});

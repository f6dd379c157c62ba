import {createHmac, randomBytes} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {diagnose, HINT_MESSAGES, signIdentity, verifyIdentity} from '../../src/server/index';

// A key that is also valid hex and base64, as many generated keys are.
const KEY = '5f2b9c0e7d4a18c3b6e9f01a2d3c4b5e';
const RETIRED = 'sk_test_retired_Lp27';
const FOREIGN = 'sk_test_sandbox_Yw52';
const client = {secrets: [KEY], retiredSecrets: [RETIRED]};
const others = [{secrets: [FOREIGN]}];
const EXPIRATION = '2026-11-21T13:00:00.000Z';

function hmac(key: string | Buffer, message: string): string {
	return createHmac('sha256', key).update(message).digest('hex');
}

function hintFor(userId: string | number, hash: string, expiration?: string): string | undefined {
	// Every case must be a hash that really fails: a hint is only for those.
	expect(verifyIdentity({userId, hash, expiration}, client.secrets, {now: new Date('2026-11-21T12:00:00.000Z')})).toEqual({ok: false, code: 'hash_invalid'});
	return diagnose({userId, hash, expiration}, client, others);
}

describe('diagnose names the signing mistake behind a failed hash', () => {
	it('retired_key: signed with a key taken out of secrets', () => {
		expect(hintFor('42', hmac(RETIRED, '42'))).toBe('retired_key');
	});

	it("other_client: signed with another client's key (sandbox for production)", () => {
		expect(hintFor('42', hmac(FOREIGN, `42\n${EXPIRATION}`), EXPIRATION)).toBe('other_client');
	});

	it('user_id_whitespace: the page sends " 42" but the backend signed "42"', () => {
		expect(hintFor(' 42', hmac(KEY, '42'))).toBe('user_id_whitespace');
	});

	it('user_id_whitespace: the backend signed a line with its newline', () => {
		expect(hintFor('42', hmac(KEY, `42\n\n${EXPIRATION}`), EXPIRATION)).toBe('user_id_whitespace');
	});

	it('user_id_case: the page sends "Ada@Example.com" but the backend signed it lower-cased', () => {
		expect(hintFor('Ada@Example.com', hmac(KEY, 'ada@example.com'))).toBe('user_id_case');
	});

	it('user_id_number_format: the backend signed "042" for the page\'s 42', () => {
		expect(hintFor(42, hmac(KEY, '042'))).toBe('user_id_number_format');
		expect(hintFor('42', hmac(KEY, '42.0'))).toBe('user_id_number_format');
		expect(hintFor('042', hmac(KEY, '42'))).toBe('user_id_number_format');
	});

	it('key_encoding: the key hex-decoded before use', () => {
		expect(hintFor('42', hmac(Buffer.from(KEY, 'hex'), '42'))).toBe('key_encoding');
	});

	it('key_encoding: the key base64-decoded before use', () => {
		expect(hintFor('42', hmac(Buffer.from(KEY, 'base64'), '42'))).toBe('key_encoding');
	});

	it("key_and_message_swapped: PHP's hash_hmac with its arguments swapped", () => {
		expect(hintFor('42', createHmac('sha256', '42').update(KEY).digest('hex'))).toBe('key_and_message_swapped');
		expect(hintFor('42', createHmac('sha256', `42\n${EXPIRATION}`).update(KEY).digest('base64'), EXPIRATION)).toBe('key_and_message_swapped');
	});

	it.each([
		['without milliseconds', '2026-11-21T13:00:00Z'],
		['with +00:00 for Z', '2026-11-21T13:00:00.000+00:00'],
		['as Python isoformat writes it', '2026-11-21T13:00:00+00:00'],
		['as epoch seconds', String(Date.parse(EXPIRATION) / 1000)],
	])('expiration_format: the backend signed the expiration %s', (_, signed) => {
		expect(hintFor('42', hmac(KEY, `42\n${signed}`), EXPIRATION)).toBe('expiration_format');
	});

	it('expiration_concatenated: id and expiration joined without the newline', () => {
		expect(hintFor('42', hmac(KEY, `42${EXPIRATION}`), EXPIRATION)).toBe('expiration_concatenated');
	});

	it('gives no hint for a random hash', () => {
		for (let i = 0; i < 20; i++) {
			expect(hintFor('42', randomBytes(32).toString('hex'), i % 2 ? EXPIRATION : undefined)).toBeUndefined();
		}
	});

	it("gives no hint for another user's valid hash", () => {
		expect(hintFor('43', signIdentity('42', KEY).hash)).toBeUndefined();
	});

	it('gives no hint for a valid hash (there is no mistake to name)', () => {
		expect(diagnose({userId: '42', hash: signIdentity('42', KEY).hash}, client, others)).toBeUndefined();
	});

	it('never throws on what the page sent, and names nothing for a malformed call', () => {
		const hash = hmac(KEY, '42');
		for (const input of [{userId: '42', hash: 'zz'}, {userId: {}, hash}, {userId: '4\n2', hash}, {userId: '42', hash, expiration: 'tomorrow'}, {userId: '', hash}]) {
			expect(diagnose(input, client, others)).toBeUndefined();
		}
	});

	it('takes the first mistake in the table order when several explain the hash', () => {
		// The retired key now belongs to another client too: retired_key comes first in the table.
		expect(diagnose({userId: '42', hash: hmac(RETIRED, '42')}, client, [{secrets: [RETIRED]}])).toBe('retired_key');
		expect(diagnose({userId: '42', hash: hmac(RETIRED, '42')}, {secrets: [KEY]}, [{secrets: [RETIRED]}])).toBe('other_client');
	});

	it('has words for every hint, and none of them holds a key', () => {
		for (const message of Object.values(HINT_MESSAGES)) {
			expect(message).toMatch(/^the (hash|expiration) was signed/);
			expect(message).not.toContain(KEY);
		}
	});
});

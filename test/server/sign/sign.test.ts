import {spawnSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {hmacSha256} from '../../../src/server/sign/hmac';
import {signIdentity, SigningError} from '../../../src/server/index';
import vectors from '../../vectors/signing.json';

const SECRET = 'sk_test_5fJ9q2LmX7';

// One Python process for many cases: JSON on stdin keeps non-ASCII ids and
// newlines intact, which argv quoting would not guarantee. signet_hash is
// the function docs/server.md shows, word for word.
const PYTHON = `
import sys, json, hmac, hashlib, base64

def signet_hash(user_id, secret, expiration=None):
    message = str(user_id) if expiration is None else f"{user_id}\\n{expiration}"
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()

out = []
for case in json.load(sys.stdin):
    hex = signet_hash(case['userId'], case['key'], case.get('expiration'))
    out.append({'hex': hex, 'base64': base64.b64encode(bytes.fromhex(hex)).decode('ascii')})
print(json.dumps(out))
`;

function python(cases: Array<{key: string; userId: string | number; expiration?: string}>): Array<{hex: string; base64: string}> {
	const run = spawnSync('python3', ['-c', PYTHON], {input: JSON.stringify(cases), encoding: 'utf8'});
	expect(run.status, run.stderr).toBe(0);
	return JSON.parse(run.stdout) as Array<{hex: string; base64: string}>;
}

// The message goes on stdin as raw bytes: no trailing newline is added.
function openssl(key: string, message: string): string {
	const run = spawnSync('openssl', ['dgst', '-sha256', '-hmac', key], {input: Buffer.from(message, 'utf8')});
	expect(run.status, run.stderr.toString()).toBe(0);
	const hex = /([\da-f]{64})\s*$/.exec(run.stdout.toString())?.[1];
	expect(hex).toBeDefined();
	return hex!;
}

describe('hmacSha256 (RFC 4231)', () => {
	it('matches test case 1: a 20-byte 0x0b key over "Hi There"', () => {
		const key = new Uint8Array(20).fill(0x0b);
		expect(hmacSha256(key, Buffer.from('4869205468657265', 'hex')).toString('hex')).toBe(
			'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
		);
	});

	it('matches test case 2: the key "Jefe"', () => {
		expect(hmacSha256(Buffer.from('4a656665', 'hex'), Buffer.from('7768617420646f2079612077616e7420666f72206e6f7468696e673f', 'hex')).toString('hex')).toBe(
			'5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
		);
	});

	it('matches test case 4: a 25-byte counting key over 50 bytes of 0xcd', () => {
		const key = Uint8Array.from({length: 25}, (_, index) => index + 1);
		expect(hmacSha256(key, new Uint8Array(50).fill(0xcd)).toString('hex')).toBe(
			'82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
		);
	});

	it('takes strings as their UTF-8 bytes', () => {
		expect(hmacSha256('Jefe', 'what do ya want for nothing?').toString('hex')).toBe(
			'5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
		);
		expect(hmacSha256('clé', 'José').equals(hmacSha256(Buffer.from('clé'), Buffer.from('José')))).toBe(true);
	});
});

describe('signIdentity', () => {
	const expiration = '2026-11-21T12:00:00.000Z';

	// The vectors every backend snippet is tested against (test/backends/): they cannot drift from this function.
	it('gives the message, hex and base64 hash of every shared vector', () => {
		for (const {secret, userId, expiration, message, hex, base64} of vectors.hashes) {
			expect(Buffer.from(message, 'utf8').equals(Buffer.from(expiration === undefined ? userId : `${userId}\n${expiration}`, 'utf8'))).toBe(true);
			expect(signIdentity(userId, secret, {expiration})).toEqual({userId, hash: hex, ...(expiration === undefined ? {} : {expiration})});
			expect(signIdentity(userId, secret, {expiration, encoding: 'base64'}).hash).toBe(base64);
		}
	});

	it('refuses the shared vectors that every backend snippet must refuse', () => {
		for (const {secret, userId} of vectors.refused) {
			expect(() => signIdentity(userId, secret)).toThrow(SigningError);
		}
	});

	it("gives byte-for-byte the hash of Python's hmac module", () => {
		const cases = [{userId: '42'}, {userId: 42}, {userId: 'user_8f2c'}, {userId: 'José'}, {userId: '用户 ✓ 😀'}, {userId: 'a'.repeat(256)}];
		const expected = python(cases.map(({userId}) => ({key: SECRET, userId})));
		cases.forEach(({userId}, index) => {
			expect(signIdentity(userId, SECRET).hash).toBe(expected[index].hex);
			expect(signIdentity(userId, SECRET, {encoding: 'base64'}).hash).toBe(expected[index].base64);
		});
	});

	it('signs the id, a newline and the expiration when the hash expires, as Python does', () => {
		const [expected] = python([{key: 'clé secrète', userId: 'José', expiration}]);
		expect(signIdentity('José', 'clé secrète', {expiration})).toEqual({userId: 'José', hash: expected.hex, expiration});
		expect(signIdentity('José', 'clé secrète', {expiration: new Date(expiration), encoding: 'base64'}).hash).toBe(expected.base64);
	});

	it('gives the hash docs/server.md states for its example, as Python does', () => {
		const [expected] = python([{key: 'sk_demo_7Qm2xV9pLr4TnB8w', userId: '42'}]);
		expect(expected.hex).toBe('c744ccddd2943ea18515022cdc6fdd257d9a87654eb97ac89aa99506660b4d11');
		expect(signIdentity('42', 'sk_demo_7Qm2xV9pLr4TnB8w').hash).toBe(expected.hex);
	});

	it('gives the hash of openssl dgst -hmac for ASCII and accented ids', () => {
		for (const userId of ['42', 'user@example.com', 'José']) {
			expect(signIdentity(userId, SECRET).hash).toBe(openssl(SECRET, userId));
		}

		expect(signIdentity('42', SECRET, {expiration}).hash).toBe(openssl(SECRET, `42\n${expiration}`));
	});

	it('signs the number 42 and the string "42" alike, and answers the id as a string', () => {
		expect(signIdentity(42, SECRET)).toEqual(signIdentity('42', SECRET));
		expect(signIdentity(42, SECRET).userId).toBe('42');
	});

	it('writes lowercase hex by default and padded standard base64 on request', () => {
		expect(signIdentity('42', SECRET).hash).toMatch(/^[\da-f]{64}$/);
		expect(signIdentity('42', SECRET, {encoding: 'base64'}).hash).toMatch(/^[A-Za-z\d+/]{43}=$/);
	});

	it('keeps an expiration string verbatim and writes a Date with toISOString', () => {
		expect(signIdentity('42', SECRET, {expiration: '2026-11-21T12:00:00.000Z'}).expiration).toBe('2026-11-21T12:00:00.000Z');
		expect(signIdentity('42', SECRET, {expiration: new Date(Date.UTC(2026, 10, 21, 12))}).expiration).toBe(expiration);
		expect(signIdentity('42', SECRET)).not.toHaveProperty('expiration');
	});

	it.each([
		['an empty id', '', 'invalid_user_id'],
		['a 257-character id', 'a'.repeat(257), 'invalid_user_id'],
		['a newline in the id', 'a\nb', 'invalid_user_id'],
		['a NUL in the id', 'a\u0000b', 'invalid_user_id'],
		['DEL in the id', 'a\u007fb', 'invalid_user_id'],
		['a fractional number', 1.5, 'invalid_user_id'],
		['an unsafe integer', 2 ** 53, 'invalid_user_id'],
		['NaN', Number.NaN, 'invalid_user_id'],
		['null', null, 'invalid_user_id'],
		['an object', {id: 1}, 'invalid_user_id'],
	])('refuses %s as user id', (_, userId, code) => {
		expect(() => signIdentity(userId as string, SECRET)).toThrow(expect.objectContaining({code, name: 'SigningError'}));
	});

	it('does not sign a user id shaped like a JWS signing input, whose hash would be an HS256 token signature', () => {
		const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
		// The 108-character id of the second security review, and the shapes around it.
		const forged = `${part({alg: 'HS256'})}.${part({sub: 'admin', attributes: {role: 'owner'}})}`;
		for (const userId of [forged, `${part({})}.`, `${part({typ: 'JWT'})}.${part('x')}`]) {
			expect(() => signIdentity(userId, SECRET)).toThrow(expect.objectContaining({code: 'invalid_user_id', message: expect.stringMatching(/JWS signing input/)}));
		}

		// Two dotted parts are not enough: the first must decode to a JSON object.
		for (const userId of ['ada.lovelace', 'john.doe', `${part([1])}.${part({sub: 'a'})}`, `${part('str')}.x`, `a.${part({alg: 'HS256'})}`]) {
			expect(signIdentity(userId, SECRET).userId).toBe(userId);
		}
	});

	it('refuses an empty or missing secret, a bad expiration and an unknown encoding, as TypeErrors', () => {
		const attempts: Array<[() => unknown, string]> = [
			[() => signIdentity('42', ''), 'invalid_secret'],
			[() => signIdentity('42', undefined as unknown as string), 'invalid_secret'],
			[() => signIdentity('42', SECRET, {expiration: 'not a date'}), 'invalid_expiration'],
			[() => signIdentity('42', SECRET, {expiration: new Date(Number.NaN)}), 'invalid_expiration'],
			[() => signIdentity('42', SECRET, {expiration: 5 as unknown as string}), 'invalid_expiration'],
			[() => signIdentity('42', SECRET, {encoding: 'base64url' as 'hex'}), 'invalid_encoding'],
		];
		for (const [attempt, code] of attempts) {
			let thrown: unknown;
			try {
				attempt();
			} catch (error) {
				thrown = error;
			}

			expect(thrown).toBeInstanceOf(SigningError);
			expect(thrown).toBeInstanceOf(TypeError);
			expect((thrown as SigningError).code).toBe(code);
			expect((thrown as Error).message).not.toContain(SECRET);
		}
	});
});

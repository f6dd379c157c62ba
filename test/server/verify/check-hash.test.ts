// checkIdentityHash, the function behind `npx signet-js check-hash` (whose
// words test/server/cli.test.ts checks through the built command).
import {createHmac} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {checkIdentityHash, signIdentity} from '../../../src/server/index';

const SECRET = 'sk_test_check_hash_7Rw2_key_Qm81vT';
const hmac = (key: string, message: string) => createHmac('sha256', key).update(message).digest('hex');

describe('checkIdentityHash', () => {
	it('answers the code and hint a program can act on, and throws for a missing key', () => {
		expect(checkIdentityHash({userId: '42', hash: signIdentity('42', SECRET).hash}, SECRET)).toMatchObject({ok: true});
		expect(checkIdentityHash({userId: '42', hash: hmac('42', SECRET)}, SECRET)).toMatchObject({ok: false, code: 'hash_invalid', hint: 'key_and_message_swapped'});
		expect(checkIdentityHash({userId: 'a\nb', hash: hmac(SECRET, 'a')}, SECRET)).toMatchObject({ok: false, code: 'invalid_user_id'});
		expect(() => checkIdentityHash({userId: '42', hash: hmac(SECRET, '42')}, '')).toThrow(TypeError);
	});
});

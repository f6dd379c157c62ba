import {createHmac, randomBytes} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {diagnose, type Hint, HINT_MESSAGES, signIdentity, verifyIdentity} from '../../../src/server/index';
import {clock, identifyBody, serve} from '../support/helpers';

// A key that is also valid hex and base64, as many generated keys are.
const KEY = '5f2b9c0e7d4a18c3b6e9f01a2d3c4b5e';
const RETIRED = 'sk_test_retired_Lp27';
const FOREIGN = 'sk_test_sandbox_Yw52';
const client = {secrets: [KEY], retiredSecrets: [RETIRED]};
const others = [{secrets: [FOREIGN]}];
const EXPIRATION = '2026-11-21T13:00:00.000Z';
const NOW = '2026-11-21T12:00:00.000Z';

function hmac(key: string | Buffer, message: string): string {
	return createHmac('sha256', key).update(message).digest('hex');
}

type Case = {userId: string | number; hash: string; expiration?: string};

// Each mistake made the way a backend makes it: signing the wrong thing.
const MISTAKES: Array<[Hint, string, Case]> = [
	['retired_key', 'signed with a key taken out of secrets', {userId: '42', hash: hmac(RETIRED, '42')}],
	['other_client', "signed with another client's key (sandbox for production)", {userId: '42', hash: hmac(FOREIGN, `42\n${EXPIRATION}`), expiration: EXPIRATION}],
	['user_id_whitespace', 'the page sends " 42", the backend signed "42"', {userId: ' 42', hash: hmac(KEY, '42')}],
	['user_id_whitespace', 'the backend signed a line with its newline', {userId: '42', hash: hmac(KEY, `42\n\n${EXPIRATION}`), expiration: EXPIRATION}],
	['user_id_case', 'the page sends "Ada@Example.com", the backend signed it lower-cased', {userId: 'Ada@Example.com', hash: hmac(KEY, 'ada@example.com')}],
	['user_id_number_format', 'the backend signed "042" for the number 42', {userId: 42, hash: hmac(KEY, '042')}],
	['user_id_number_format', 'the backend signed "42.0" for "42"', {userId: '42', hash: hmac(KEY, '42.0')}],
	['user_id_number_format', 'the backend signed "42" for "042"', {userId: '042', hash: hmac(KEY, '42')}],
	['key_encoding', 'the key hex-decoded before use', {userId: '42', hash: hmac(Buffer.from(KEY, 'hex'), '42')}],
	['key_encoding', 'the key base64-decoded before use', {userId: '42', hash: hmac(Buffer.from(KEY, 'base64'), '42')}],
	['key_and_message_swapped', "PHP's hash_hmac with its arguments swapped", {userId: '42', hash: createHmac('sha256', '42').update(KEY).digest('hex')}],
	[
		'key_and_message_swapped',
		'swapped, with an expiration, base64',
		{userId: '42', hash: createHmac('sha256', `42\n${EXPIRATION}`).update(KEY).digest('base64'), expiration: EXPIRATION},
	],
	['expiration_format', 'the expiration signed without milliseconds', {userId: '42', hash: hmac(KEY, '42\n2026-11-21T13:00:00Z'), expiration: EXPIRATION}],
	['expiration_format', 'the expiration signed with +00:00 for Z', {userId: '42', hash: hmac(KEY, '42\n2026-11-21T13:00:00.000+00:00'), expiration: EXPIRATION}],
	['expiration_format', 'the expiration signed as Python isoformat writes it', {userId: '42', hash: hmac(KEY, '42\n2026-11-21T13:00:00+00:00'), expiration: EXPIRATION}],
	['expiration_format', 'the expiration signed as epoch seconds', {userId: '42', hash: hmac(KEY, `42\n${Date.parse(EXPIRATION) / 1000}`), expiration: EXPIRATION}],
	['expiration_concatenated', 'id and expiration joined without the newline', {userId: '42', hash: hmac(KEY, `42${EXPIRATION}`), expiration: EXPIRATION}],
];

// The SDK sends a number id as its string.
function onTheWire(mistake: Case): Case {
	return {...mistake, userId: String(mistake.userId)};
}

function hintFor({userId, hash, expiration}: Case): string | undefined {
	// Every case must be a hash that really fails: a hint is only for those.
	expect(verifyIdentity({userId, hash, expiration}, client.secrets, {now: new Date(NOW)})).toEqual({ok: false, code: 'hash_invalid'});
	return diagnose({userId, hash, expiration}, client, others);
}

describe('diagnose names the signing mistake behind a failed hash', () => {
	it.each(MISTAKES)('%s: %s', (hint, _, mistake) => {
		expect(hintFor(mistake)).toBe(hint);
	});

	it('gives no hint for a random hash', () => {
		for (let i = 0; i < 20; i++) {
			expect(hintFor({userId: '42', hash: randomBytes(32).toString('hex'), expiration: i % 2 ? EXPIRATION : undefined})).toBeUndefined();
		}
	});

	it("gives no hint for another user's valid hash", () => {
		expect(hintFor({userId: '43', hash: signIdentity('42', KEY).hash})).toBeUndefined();
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

describe('the API puts the hint where the code goes', async () => {
	const time = clock(NOW);
	const api = await serve({
		now: time.now,
		clients: {
			ct_test: {secrets: [KEY], retiredSecrets: [RETIRED]},
			ct_enforce: {secrets: [KEY], retiredSecrets: [RETIRED], enforce: true},
			ct_sandbox: {secrets: [FOREIGN]},
		},
	});

	it.each(MISTAKES)('403 error.hint and the cause in words when enforcing, for %s: %s', async (hint, _, mistake) => {
		const answer = await api.post('/v1/identify', identifyBody({clientToken: 'ct_enforce', ...onTheWire(mistake)}));
		expect(answer.status).toBe(403);
		expect(answer.body).toEqual({error: {code: 'hash_invalid', hint, message: HINT_MESSAGES[hint]}});
		expect(api.records().at(-1)).toMatchObject({status: 403, clientToken: 'ct_enforce', outcome: 'hash_invalid', hint});
	});

	it.each(MISTAKES)('monitor-mode 200 with hint beside verification, for %s: %s', async (hint, _, mistake) => {
		const answer = await api.post('/v1/identify', identifyBody(onTheWire(mistake)));
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({verified: false, verification: 'hash_invalid', hint, message: HINT_MESSAGES[hint]});
		expect(api.records().at(-1)).toMatchObject({status: 200, clientToken: 'ct_test', outcome: 'hash_invalid', hint});
	});

	it('answers no hint for a random hash, nor for a missing, expired or valid one', async () => {
		const cases = [
			{hash: randomBytes(32).toString('base64')},
			{},
			signIdentity('42', KEY, {expiration: '2026-11-21T11:00:00.000Z'}),
			signIdentity('42', KEY, {expiration: EXPIRATION}),
		];
		for (const fields of cases) {
			for (const clientToken of ['ct_test', 'ct_enforce']) {
				const answer = await api.post('/v1/identify', identifyBody({clientToken, ...fields}));
				expect(answer.text).not.toContain('hint');
				expect(api.records().at(-1)).not.toHaveProperty('hint');
			}
		}
	});

	it('never puts a key or the hash in an answer or a log line that carries a hint', () => {
		const everything = [...api.answers, ...api.logs].join('\n');
		for (const secret of [KEY, RETIRED, FOREIGN, ...MISTAKES.map(([, , mistake]) => mistake.hash)]) {
			expect(everything).not.toContain(secret);
		}
	});
});

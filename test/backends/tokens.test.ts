// Every backend's token snippet (examples/backends/*/signet_token.* and
// signet-token.mjs) signs tokens the reference API accepts over HTTP, for
// each algorithm its library offers; one byte changed and the API refuses
// it. An empty key and a user id with a control character throw.
import {createPublicKey} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {beforeAll, describe, expect, it} from 'vitest';
import vectors from '../vectors/signing.json';
import {identifyBody, serve} from '../server/support/helpers';
import {describeLanguage, LANGUAGES, runHarness} from './support/languages';

const INPUT = readFileSync(new URL('../vectors/signing.json', import.meta.url), 'utf8');
const {audience, users, hs256, es256, ed25519} = vectors.tokens;

const api = await serve({
	clients: {
		[audience]: {tokenSecrets: [hs256.secret], publicKeys: [es256.publicJwk as JsonWebKey, ed25519.publicJwk as JsonWebKey], enforce: true},
	},
});
const identify = (userId: string, token: string) => api.post('/v1/identify', identifyBody({clientToken: audience, userId, token, metadata: undefined}));

// A character in the middle of a segment: all six of its bits are in the decoded bytes.
function oneByteChanged(token: string, segment: 1 | 2): string {
	const parts = token.split('.');
	const part = parts[segment]!;
	const middle = Math.floor(part.length / 2);
	parts[segment] = part.slice(0, middle) + (part[middle] === 'A' ? 'B' : 'A') + part.slice(middle + 1);
	return parts.join('.');
}

describe('the token vectors', () => {
	it('hold PEM and JWK forms of the same private keys, whose public halves the API holds', () => {
		for (const {privatePem, privateJwk, publicJwk} of [es256, ed25519]) {
			const {kid, ...publicPart} = publicJwk;
			expect(createPublicKey(privatePem).export({format: 'jwk'})).toEqual(publicPart);
			expect(createPublicKey({key: privateJwk, format: 'jwk'}).export({format: 'jwk'})).toEqual(publicPart);
			expect(privateJwk.kid).toBe(kid);
		}
	});
});

for (const language of LANGUAGES) {
	describeLanguage(language, () => {
		let out: {tokens: Record<string, string[]>; refused: Array<{value?: string; error?: string}>};
		beforeAll(async () => {
			out = await runHarness(language, 'token', INPUT);
		});

		it(`signs with ${language.algorithms.join(', ')}`, () => {
			expect(Object.keys(out.tokens).sort()).toEqual([...language.algorithms].sort());
		});

		it('signs tokens the reference API verifies, with the signed attributes stored', async () => {
			for (const [algorithm, tokens] of Object.entries(out.tokens)) {
				for (const [index, {userId, attributes}] of users.entries()) {
					const answer = await identify(userId, tokens[index]!);
					expect(answer, `${algorithm} for ${userId}`).toMatchObject({status: 200, body: {userId, verified: true, verification: 'ok'}});
					expect(JSON.parse(Buffer.from(tokens[index]!.split('.')[0]!, 'base64url').toString())).toMatchObject({alg: algorithm});
					expect(api.store.getUser(audience, userId)?.metadata).toEqual(attributes);
				}
			}
		});

		it('signs tokens that the API refuses with one byte changed, in the claims or in the signature', async () => {
			for (const [algorithm, [token]] of Object.entries(out.tokens)) {
				for (const segment of [1, 2] as const) {
					const answer = await identify(users[0]!.userId, oneByteChanged(token!, segment));
					expect(answer, `${algorithm}, segment ${segment}`).toMatchObject({status: 403, body: {error: {code: 'token_invalid'}}});
				}
			}
		});

		it('throws a clear error for an empty key and for a user id with a control character', () => {
			const [emptyKey, controlCharacter] = out.refused;
			expect(emptyKey).toEqual({error: expect.stringMatching(/key is empty|key must be/)});
			expect(controlCharacter).toEqual({error: expect.stringMatching(/control character/)});
		});
	});
}

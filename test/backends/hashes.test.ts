// Every backend's hash snippet (examples/backends/*/signet_hash.* and
// signet-hash.mjs) gives the hex hash of every shared vector, and refuses
// an empty secret and a user id with a control character with an error.
import {readFileSync} from 'node:fs';
import {beforeAll, expect, it} from 'vitest';
import vectors from '../vectors/signing.json';
import {describeLanguage, LANGUAGES, runHarness} from './support/languages';

const INPUT = readFileSync(new URL('../vectors/signing.json', import.meta.url), 'utf8');

type Outcome = {value?: string; error?: string};

for (const language of LANGUAGES) {
	describeLanguage(language, () => {
		let out: {hashes: string[]; refused: Outcome[]};
		beforeAll(async () => {
			out = await runHarness(language, 'hash', INPUT);
		});

		it('gives the hex hash of every vector: ASCII, UTF-8 and base64-looking secrets, numeric, non-BMP and 256-character ids, with and without expiration', () => {
			expect(out.hashes).toEqual(vectors.hashes.map(({hex}) => hex));
		});

		it('throws a clear error for an empty secret and for a user id with a control character', () => {
			const [emptySecret, controlCharacter] = out.refused;
			expect(emptySecret).toEqual({error: expect.stringMatching(/secret is empty/)});
			expect(controlCharacter).toEqual({error: expect.stringMatching(/control character/)});
		});
	});
}

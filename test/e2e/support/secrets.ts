// Every hash a browser suite hands to a page is remembered here, so that
// what the pages leave behind (storage, cookies, request URLs, console) can
// be searched for any piece of one, in any of its encodings.
import {signIdentity} from '../../../src/server/index';

export const SECRET = 'sk_e2e_main_5Tq8Wz_hash_key_Lb72nV0p';
/** The HS256 token key of ct_enforce: a key has one use, so never a hash key. */
export const TOKEN_SECRET = 'tk_e2e_main_8Rk2Js_token_key_Yc35';
export const OTHER_SECRET = 'sk_e2e_other_Jr3Ln1_hash_key_Hd94uA';
/** A key no client has: its hashes are well formed and wrong. */
export const WRONG_SECRET = 'sk_e2e_wrong_Xx0Yy9_hash_key_Pf61eG';

const used = new Set<string>();

// Shorter pieces could turn up by chance in a UUID; 16 characters of a hash cannot.
const PIECE = 16;

/** Remembers a hash given to a page. */
export function remember(hash: string): void {
	used.add(hash);
}

/** Every hash given to a page so far. */
export function usedHashes(): string[] {
	return [...used];
}

/** Signs like the customer's backend, and remembers the hash. */
export function sign(userId: string, {secret = SECRET, ttlSeconds, encoding}: {secret?: string; ttlSeconds?: number; encoding?: 'hex' | 'base64'} = {}) {
	const expiration = ttlSeconds === undefined ? undefined : new Date(Date.now() + ttlSeconds * 1000);
	const signed = signIdentity(userId, secret, {expiration, encoding});
	remember(signed.hash);
	return signed;
}

function forms(hash: string): string[] {
	const bytes = /^[\da-f]{64}$/i.test(hash) ? Buffer.from(hash, 'hex') : Buffer.from(hash, 'base64');
	return [hash, bytes.toString('hex'), bytes.toString('hex').toUpperCase(), bytes.toString('base64'), bytes.toString('base64url')];
}

/** The used hashes of which some piece (16 characters or more, any encoding) appears in `text`. */
export function leakedIn(text: string): string[] {
	return usedHashes().filter((hash) =>
		forms(hash).some((form) => {
			for (let start = 0; start + PIECE <= form.length; start++) {
				if (text.includes(form.slice(start, start + PIECE))) {
					return true;
				}
			}

			return false;
		}),
	);
}

// Every snippet the console shows, in one place: what a customer pastes in
// its pages (filled in with the public client token) and how its backend
// signs (in five languages, with nothing secret in them but the name of the
// variable that holds the key).

/** The environment variable the sign snippets read the key from. @example SECRET_VARIABLE // 'SIGNET_SECRET' */
export const SECRET_VARIABLE = 'SIGNET_SECRET';

/**
 * The page side, filled in with the client's public token and the API's address: a script tag, and npm.
 *
 * @example
 * pageSnippets('ct_…', 'https://api.example.com')[0].code // '<script src=…'
 */
export function pageSnippets(clientToken: string, apiHost: string): Array<{label: string; code: string}> {
	const init = `{clientToken: ${JSON.stringify(clientToken)}, apiHost: ${JSON.stringify(apiHost)}}`;
	return [
		{
			label: 'script tag',
			code: `<script src="https://cdn.jsdelivr.net/npm/signet-js/dist/signet.umd.js"></script>
<script>
	Signet.init(${init});
	// The id and its hash come from your backend, for the user it has logged in.
	Signet.identifyUser(userId, {}, {hash});
</script>`,
		},
		{
			label: 'npm',
			code: `// npm install signet-js
import {init, identifyUser} from 'signet-js';

await init(${init});
const {userId, hash} = await fetch('/api/signet-identity').then((response) => response.json());
await identifyUser(userId, {}, {hash});`,
		},
	];
}

/**
 * The backend side: HMAC-SHA256 of the logged-in user's id, hex, in Node, Python, Ruby, PHP and Go, reading the key from `variable`.
 *
 * @example
 * signSnippets().map((snippet) => snippet.label) // ['Node', 'Python', 'Ruby', 'PHP', 'Go']
 */
export function signSnippets(variable = SECRET_VARIABLE): Array<{label: string; code: string}> {
	return [
		{
			label: 'Node',
			code: `import {signIdentity} from 'signet-js/server';

// The user of the session, never an id the request names.
const {userId, hash} = signIdentity(user.id, process.env.${variable});`,
		},
		{
			label: 'Python',
			code: `import hashlib, hmac, os

def signet_hash(user_id):
    key = os.environ["${variable}"].encode("utf-8")
    return hmac.new(key, str(user_id).encode("utf-8"), hashlib.sha256).hexdigest()`,
		},
		{
			label: 'Ruby',
			code: `require "openssl"

def signet_hash(user_id)
  OpenSSL::HMAC.hexdigest("SHA256", ENV.fetch("${variable}"), user_id.to_s)
end`,
		},
		{
			label: 'PHP',
			code: `<?php
function signet_hash(string $userId): string {
    return hash_hmac('sha256', $userId, getenv('${variable}'));
}`,
		},
		{
			label: 'Go',
			code: `import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"
)

func signetHash(userID string) string {
	mac := hmac.New(sha256.New, []byte(os.Getenv("${variable}")))
	mac.Write([]byte(userID))
	return hex.EncodeToString(mac.Sum(nil))
}`,
		},
	];
}

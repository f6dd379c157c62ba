// Runs the Node snippets of examples/backends/node for the tests, as the
// other languages' harnesses do (one process for all vectors):
//   node harness.mjs hash|token < test/vectors/signing.json   prints their results as one JSON line
//   PORT=… node harness.mjs serve                              serves the Express route, with a test login
import {randomUUID} from 'node:crypto';
import {text} from 'node:stream/consumers';
import express from 'express';
import {signetRouter} from '../../../examples/backends/node/route.mjs';
import {signetHash} from '../../../examples/backends/node/signet-hash.mjs';
import {signetToken} from '../../../examples/backends/node/signet-token.mjs';

async function attempt(run) {
	try {
		return {value: await run()};
	} catch (error) {
		return {error: `${error.name}: ${error.message}`};
	}
}

const mode = process.argv[2];
if (mode === 'serve') {
	// The test's login: a random session cookie mapped to the user id POSTed as body.
	const sessions = new Map();
	const app = express();
	app.use((request, response, next) => {
		const session = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
		request.user = sessions.has(session) ? {id: sessions.get(session)} : undefined;
		next();
	});
	app.post('/login', express.text({type: '*/*'}), (request, response) => {
		const session = randomUUID();
		sessions.set(session, request.body);
		response.cookie('session', session, {httpOnly: true}).sendStatus(204);
	});
	app.use(signetRouter);
	app.listen(Number(process.env.PORT), '127.0.0.1');
} else {
	const vectors = JSON.parse(await text(process.stdin));
	const {hashes, refused, tokens: t} = vectors;
	const out =
		mode === 'hash'
			? {
					hashes: hashes.map(({userId, secret, expiration}) => signetHash(userId, secret, expiration)),
					refused: await Promise.all(refused.map(({userId, secret}) => attempt(() => signetHash(userId, secret)))),
				}
			: {
					tokens: Object.fromEntries(
						await Promise.all(
							Object.entries({HS256: t.hs256.secret, ES256: t.es256.privateJwk, EdDSA: t.ed25519.privateJwk}).map(async ([alg, key]) => [
								alg,
								await Promise.all(t.users.map(({userId, attributes}) => signetToken(userId, attributes, key, t.audience))),
							]),
						),
					),
					refused: await Promise.all(refused.map(({userId, secret}) => attempt(() => signetToken(userId, {}, secret, t.audience)))),
				};
	process.stdout.write(`${JSON.stringify(out)}\n`);
}

import {signIdentityToken} from 'signet-js/server';

// An identity token, valid one hour: key is a token secret (HS256, never a
// hash secret) or a private JWK, whose type picks ES256, EdDSA or RS256.
export function signetToken(userId, attributes, key, audience) {
	return signIdentityToken({userId, attributes}, key, {audience, expiration: new Date(Date.now() + 60 * 60 * 1000)});
}

import re, time
import jwt  # PyJWT: pip install "pyjwt[crypto]", or Debian's python3-jwt


def signet_token(user_id, attributes, algorithm, key, audience, key_id=None, expires_in=3600):
    """An identity token: HS256 with a token secret (never a hash secret), ES256 or EdDSA with a PEM private key."""
    user_id = str(user_id)
    if not key:
        raise ValueError("signet_token: the key is empty (is SIGNET_TOKEN_SECRET set?)")
    if not user_id or re.search(r"[\x00-\x1f\x7f]", user_id):
        raise ValueError("signet_token: the user id is empty or has a control character")
    now = int(time.time())
    claims = {"sub": user_id, "aud": audience, "iat": now, "exp": now + expires_in, "attributes": attributes}
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": key_id} if key_id else None)

import hashlib, hmac, re

CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def signet_hash(user_id, secret, expiration=None):
    """HMAC-SHA256 of the user id (and "\\n" + expiration), keyed with the secret's UTF-8 bytes, as hex."""
    user_id = str(user_id)
    if not secret:
        raise ValueError("signet_hash: the secret is empty (is SIGNET_SECRET set?)")
    if not user_id or CONTROL_CHARACTER.search(user_id):
        raise ValueError("signet_hash: the user id is empty or has a control character")
    message = user_id if expiration is None else f"{user_id}\n{expiration}"
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()

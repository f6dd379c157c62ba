import os
from datetime import datetime, timedelta, timezone

from flask import Flask, abort, session

from signet_hash import signet_hash

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET_KEY"]  # your app's own session key, not Signet's


@app.get("/api/signet-identity")
def signet_identity():
    # The user your login put in the session, never request.args: a route that signs any id is a signing oracle.
    user_id = session.get("user_id")
    if user_id is None:
        abort(401)
    # Exactly toISOString()'s form (milliseconds, Z): the page sends this string, and it is what is signed.
    expiration = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"userId": str(user_id), "hash": signet_hash(user_id, os.environ["SIGNET_SECRET"], expiration), "expiration": expiration}

# Runs the Python snippets of examples/backends/python for the tests:
#   harness.py hash|token < test/vectors/signing.json   prints their results as one JSON line
#   PORT=… harness.py serve                              serves the Flask route, with a test login
import json, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../examples/backends/python"))


def attempt(run):
    try:
        return {"value": run()}
    except Exception as error:  # the snippet must raise; the test reads the message
        return {"error": f"{type(error).__name__}: {error}"}


mode = sys.argv[1]
if mode == "serve":
    from flask import request, session
    from app import app

    @app.post("/login")
    def login():
        session["user_id"] = request.get_data(as_text=True)
        return "", 204

    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
    sys.exit(0)

vectors = json.load(sys.stdin)
if mode == "hash":
    from signet_hash import signet_hash

    out = {
        "hashes": [signet_hash(v["userId"], v["secret"], v.get("expiration")) for v in vectors["hashes"]],
        "refused": [attempt(lambda v=v: signet_hash(v["userId"], v["secret"])) for v in vectors["refused"]],
    }
else:
    from signet_token import signet_token

    t = vectors["tokens"]
    keys = {"HS256": (t["hs256"]["secret"], None), "ES256": (t["es256"]["privatePem"], "es-vectors"), "EdDSA": (t["ed25519"]["privatePem"], "ed-vectors")}
    out = {
        "tokens": {alg: [signet_token(u["userId"], u["attributes"], alg, key, t["audience"], kid) for u in t["users"]] for alg, (key, kid) in keys.items()},
        "refused": [attempt(lambda v=v: signet_token(v["userId"], {}, "HS256", v["secret"], t["audience"])) for v in vectors["refused"]],
    }
print(json.dumps(out))

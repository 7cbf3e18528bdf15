"""The Flask-JWT-Extended side of the differential test.

Serves, with FJE itself, the routes and profiles that docs/conformance.md describes for
jwt-extended's `conformance` example, so diff.py can send both the same requests.
Run it under gunicorn: `PROFILE=all KEYS_DIR=... gunicorn -b 127.0.0.1:PORT fje_app:app`
(scripts/differential.sh does). The profile tables below are the single place where a
profile's FJE options are written; keep them in step with examples/conformance/profile.rs.
"""
import os
from datetime import timedelta

from flask import Flask, jsonify, request
import flask_jwt_extended as fje

SECRET = "conformance-secret-key-0123456789abcdef"
EVERY_LOCATION = ["headers", "cookies", "query_string", "json"]
KEYS_DIR = os.environ.get(
    "KEYS_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "keys"))


def read_key(name):
    with open(os.path.join(KEYS_DIR, name)) as f:
        return f.read()


# Each profile: the FJE settings it adds to the defaults (callables are read lazily, so
# only the rs256 profile needs the key files).
PROFILES = {
    "default": {},
    "all": {"JWT_TOKEN_LOCATION": EVERY_LOCATION},
    "compat": {"JWT_TOKEN_LOCATION": EVERY_LOCATION},  # FJE's own statuses are the 422s
    "cookies": {"JWT_TOKEN_LOCATION": ["cookies"]},
    "custom": {
        "JWT_TOKEN_LOCATION": ["headers", "query_string", "json"],
        "JWT_HEADER_NAME": "Foo",
        "JWT_HEADER_TYPE": "JWT",
        "JWT_QUERY_STRING_NAME": "token",
        "JWT_QUERY_STRING_VALUE_PREFIX": "Bearer ",
        "JWT_JSON_KEY": "tok",
        "JWT_REFRESH_JSON_KEY": "rtok",
        "JWT_ERROR_MESSAGE_KEY": "message",
    },
    "claims": {
        "JWT_DECODE_AUDIENCE": ["foo", "bar"],
        "JWT_DECODE_ISSUER": "baz",
        "JWT_ENCODE_AUDIENCE": "foo",
        "JWT_ENCODE_ISSUER": "baz",
        "JWT_DECODE_LEEWAY": 10,
    },
    "rs256": {
        "JWT_ALGORITHM": "RS256",
        "JWT_PRIVATE_KEY": lambda: read_key("rs256-private.pem"),
        "JWT_PUBLIC_KEY": lambda: read_key("rs256-public.pem"),
    },
}

# The users the lookup knows; a token for anyone else fails "Error loading the user".
USERS = {"test", "admin"}


def create_app(profile):
    if profile not in PROFILES:
        raise SystemExit(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    app = Flask(__name__)
    app.config["JWT_SECRET_KEY"] = SECRET
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(minutes=15)
    for option, value in PROFILES[profile].items():
        app.config[option] = value() if callable(value) else value
    manager = fje.JWTManager(app)
    revoked_jtis = set()

    @manager.token_in_blocklist_loader
    def is_revoked(_header, payload):
        return payload.get("jti") in revoked_jtis

    @manager.user_lookup_loader
    def load_user(_header, payload):
        name = payload["sub"]
        return {"username": name} if name in USERS else None

    def login():
        body = request.get_json(silent=True) or {}
        identity = body.get("username", "test")
        access = fje.create_access_token(identity=identity, fresh=bool(body.get("fresh", False)))
        refresh = fje.create_refresh_token(identity=identity)
        response = jsonify(access_token=access, refresh_token=refresh)
        fje.set_access_cookies(response, access)
        fje.set_refresh_cookies(response, refresh)
        return response

    def logout():
        response = jsonify(msg="logged out")
        fje.unset_jwt_cookies(response)
        return response

    def foo():
        return jsonify(foo="bar")

    def claims():
        return jsonify(jwt=fje.get_jwt(), header=fje.get_jwt_header(), location=fje.get_jwt_request_location())

    def whoami():
        return jsonify(username=fje.current_user["username"])

    def revoke():
        revoked_jtis.add(fje.get_jwt()["jti"])
        return jsonify(msg="revoked")

    # (path, method, guard options for jwt_required or None, view)
    routes = [
        ("/login", "POST", None, login),
        ("/logout", "POST", None, logout),
        ("/protected", "GET", {}, foo),
        ("/fresh_protected", "GET", {"fresh": True}, foo),
        ("/refresh_protected", "GET", {"refresh": True}, foo),
        ("/optional_protected", "GET", {"optional": True}, foo),
        ("/no_typecheck_protected", "GET", {"verify_type": False}, foo),
        ("/post_protected", "POST", {}, foo),
        ("/post_refresh_protected", "POST", {"refresh": True}, foo),
        ("/optional_post_protected", "POST", {"optional": True}, foo),
        ("/claims", "GET", {"optional": True}, claims),
        ("/whoami", "GET", {}, whoami),
        ("/revoke", "POST", {"verify_type": False}, revoke),
    ]
    for path, method, guard, view in routes:
        handler = view if guard is None else fje.jwt_required(**guard)(view)
        app.add_url_rule(path, endpoint=path, view_func=handler, methods=[method])
    return app


app = create_app(os.environ.get("PROFILE", "default"))

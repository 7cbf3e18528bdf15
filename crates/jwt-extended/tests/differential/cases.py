"""The requests of the differential test, per profile: every route with every crafted
or minted token in every configured location, plus the header, cookie/CSRF, query
string, JSON body, multi-location, OPTIONS and revocation cases of docs/conformance.md.
A case is a plain dict sent identically to both servers."""
import base64
import json
import urllib.parse

PROFILES = {
    "default": {"locations": ["headers"]},
    "all": {"locations": ["headers", "cookies", "query_string", "json"]},
    "compat": {"locations": ["headers", "cookies", "query_string", "json"]},
    "cookies": {"locations": ["cookies"]},
    "custom": {"locations": ["headers", "query_string", "json"], "header": ("Foo", "JWT"),
               "query": ("token", "Bearer "), "json": ("tok", "rtok"), "key": "message"},
    "claims": {"locations": ["headers"]},
    "rs256": {"locations": ["headers"]},
}
for _p in PROFILES.values():
    _p.setdefault("header", ("Authorization", "Bearer"))
    _p.setdefault("query", ("jwt", ""))
    _p.setdefault("json", ("access_token", "refresh_token"))
    _p.setdefault("key", "msg")

# (method, path, reads the refresh token)
ROUTES = [
    ("GET", "/protected", False), ("GET", "/fresh_protected", False), ("GET", "/refresh_protected", True),
    ("GET", "/optional_protected", False), ("GET", "/no_typecheck_protected", False),
    ("POST", "/post_protected", False), ("POST", "/post_refresh_protected", True),
    ("POST", "/optional_post_protected", False), ("GET", "/claims", False), ("GET", "/whoami", False),
]
CSRF = "X-CSRF-TOKEN"


def csrf_of(token):
    """The token's csrf claim, read without verification (what a browser app does)."""
    try:
        payload = token.split(".")[1]
        return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["csrf"])
    except Exception:
        return "no-csrf-claim"


def case(name, method, path, headers=None, query="", body=None, compare_body=True):
    return {"name": name, "method": method, "path": path, "headers": dict(headers or {}),
            "query": query, "body": body, "compare_body": compare_body}


def present(p, loc, token, method, refresh):
    """Headers, query and body carrying `token` in location `loc` of profile `p`."""
    headers, query, body = {}, "", None
    if loc == "headers":
        name, kind = p["header"]
        headers[name] = f"{kind} {token}" if kind else token
    elif loc == "cookies":
        headers["Cookie"] = f"{'refresh' if refresh else 'access'}_token_cookie={token}"
        if method != "GET":
            headers[CSRF] = csrf_of(token)
    elif loc == "query_string":
        name, prefix = p["query"]
        query = urllib.parse.urlencode({name: prefix + token})
    elif loc == "json":
        headers["Content-Type"] = "application/json"
        body = json.dumps({p["json"][1 if refresh else 0]: token}).encode()
    return headers, query, body


def matrix(profile, tokens):
    """Every route x every token x every location of the profile."""
    p = PROFILES[profile]
    out = [case(f"no-token {m} {path}", m, path) for m, path, _ in ROUTES]
    for loc in p["locations"]:
        for tname, token in tokens:
            if tname == "huge" and loc != "json":
                continue  # gunicorn refuses headers/request lines this long before FJE sees them
            for m, path, refresh in ROUTES:
                h, q, b = present(p, loc, token, m, refresh)
                out.append(case(f"{loc}:{tname} {m} {path}", m, path, h, q, b))
    return out


def header_cases(profile, access, refresh):
    p = PROFILES[profile]
    if "headers" not in p["locations"]:
        return []
    name, kind = p["header"]
    other = "JWT" if kind == "Bearer" else "Bearer"
    values = {
        "empty": "", "comma": ",", "spaced-comma": " , ", "type-only": kind, "type-space": kind + " ",
        "three-words": f"{kind} {access} extra", "lowercase-type": f"{kind.lower()} {access}",
        "other-type": f"{other} {access}", "basic": "Basic abc", "bare-token": access,
        "basic-then-ours": f"Basic abc, {kind} {access}", "ours-then-basic": f"{kind} {access}, Basic abc",
        "trailing-commas": f"{kind} {access},Basic abc,", "trailing-comma": f"{kind} {access},",
        "padded": f"  {kind} {access}  ", "twice": f"{kind} {access}, {kind} {access}",
        "double-space": f"{kind}  {access}", "tab": f"{kind}\t{access}", "no-space-after-comma": f"Basic abc,{kind} {access}",
        "space-before-comma": f"Basic abc ,{kind} {access}", "type-glued": f"{kind}{access}",
    }
    out = []
    for vname, value in values.items():
        for m, path in [("GET", "/protected"), ("GET", "/optional_protected"), ("POST", "/post_protected")]:
            out.append(case(f"header:{vname} {m} {path}", m, path, {name: value}))
    out.append(case("header:refresh-token-on-refresh-route", "GET", "/refresh_protected", {name: f"{kind} {refresh}"}))
    out.append(case("header:lowercase-name", "GET", "/protected", {name.lower(): f"{kind} {access}"}))
    return out


def cookie_cases(profile, access, refresh):
    if "cookies" not in PROFILES[profile]["locations"]:
        return []
    a = f"access_token_cookie={access}"
    r = f"refresh_token_cookie={refresh}"
    ca, cr = csrf_of(access), csrf_of(refresh)
    specs = [
        ("get-no-csrf", "GET", "/protected", {"Cookie": a}),
        ("post-no-csrf", "POST", "/post_protected", {"Cookie": a}),
        ("post-empty-csrf", "POST", "/post_protected", {"Cookie": a, CSRF: ""}),
        ("post-csrf-mismatch", "POST", "/post_protected", {"Cookie": a, CSRF: "wrong"}),
        ("post-csrf-ok", "POST", "/post_protected", {"Cookie": a, CSRF: ca}),
        ("post-csrf-lowercase-header", "POST", "/post_protected", {"Cookie": a, CSRF.lower(): ca}),
        ("post-refresh-csrf-of-access", "POST", "/post_refresh_protected", {"Cookie": r, CSRF: ca}),
        ("post-refresh-csrf-ok", "POST", "/post_refresh_protected", {"Cookie": r, CSRF: cr}),
        ("post-refresh-no-csrf", "POST", "/post_refresh_protected", {"Cookie": r}),
        ("optional-post-no-csrf", "POST", "/optional_post_protected", {"Cookie": a}),
        ("optional-post-bad-csrf", "POST", "/optional_post_protected", {"Cookie": a, CSRF: "wrong"}),
        ("bad-token-no-csrf", "POST", "/post_protected", {"Cookie": "access_token_cookie=abc"}),
        ("bad-token-with-csrf", "POST", "/post_protected", {"Cookie": "access_token_cookie=abc", CSRF: "x"}),
        ("empty-cookie", "GET", "/protected", {"Cookie": "access_token_cookie="}),
        ("quoted-cookie", "GET", "/protected", {"Cookie": f'access_token_cookie="{access}"'}),
        ("among-others", "GET", "/protected", {"Cookie": f"a=1; {a}; b=2"}),
        ("refresh-cookie-on-access-route", "GET", "/protected", {"Cookie": r}),
        ("access-cookie-on-refresh-route", "GET", "/refresh_protected", {"Cookie": a}),
        ("both-cookies-refresh-route", "GET", "/refresh_protected", {"Cookie": f"{a}; {r}"}),
        ("revoke-no-csrf", "POST", "/revoke", {"Cookie": "access_token_cookie=abc"}),
    ]
    return [case(f"cookie:{n}", m, path, h) for n, m, path, h in specs]


def query_cases(profile, access):
    p = PROFILES[profile]
    if "query_string" not in p["locations"]:
        return []
    name, prefix = p["query"]
    q = urllib.parse.urlencode
    specs = {
        "empty": q({name: ""}), "ok": q({name: prefix + access}), "no-prefix": q({name: access}),
        "prefix-only": q({name: prefix}), "lowercase-prefix": q({name: prefix.lower() + access}),
        "twice": q([(name, prefix + access), (name, "junk")]), "other-name": q({"other": prefix + access}),
        "upper-name": q({name.upper(): prefix + access}), "junk": q({name: prefix + "junk"}),
    }
    return [case(f"query:{n}", "GET", "/protected", query=v) for n, v in specs.items()]


def json_cases(profile, access, refresh):
    p = PROFILES[profile]
    if "json" not in p["locations"]:
        return []
    ak, rk = p["json"]
    j = "application/json"
    specs = [
        ("text-plain", "POST", "/post_protected", "text/plain", json.dumps({ak: access})),
        ("charset", "POST", "/post_protected", j + "; charset=utf-8", json.dumps({ak: access})),
        ("vendor-json", "POST", "/post_protected", "application/vnd.api+json", json.dumps({ak: access})),
        ("invalid-json", "POST", "/post_protected", j, "{not json"),
        ("empty-body", "POST", "/post_protected", j, ""),
        ("array-body", "POST", "/post_protected", j, json.dumps([access])),
        ("string-body", "POST", "/post_protected", j, json.dumps(access)),
        ("token-int", "POST", "/post_protected", j, json.dumps({ak: 5})),
        ("token-list", "POST", "/post_protected", j, json.dumps({ak: [access]})),
        ("token-zero", "POST", "/post_protected", j, json.dumps({ak: 0})),
        ("token-null", "POST", "/post_protected", j, json.dumps({ak: None})),
        ("token-empty", "POST", "/post_protected", j, json.dumps({ak: ""})),
        ("refresh-key-on-access-route", "POST", "/post_protected", j, json.dumps({rk: access})),
        ("access-key-on-refresh-route", "POST", "/post_refresh_protected", j, json.dumps({ak: refresh})),
        ("refresh-ok", "POST", "/post_refresh_protected", j, json.dumps({rk: refresh})),
        ("get-with-body", "GET", "/protected", j, json.dumps({ak: access})),
        ("optional-invalid-json", "POST", "/optional_post_protected", j, "{not json"),
    ]
    return [case(f"json:{n}", m, path, {"Content-Type": ct}, body=b.encode()) for n, m, path, ct, b in specs]


def multi_location_cases(profile, access, crafter):
    """Which location wins when several hold something (profiles all and compat)."""
    if len(PROFILES[profile]["locations"]) < 4:
        return []
    expired = crafter.sign(exp=0)
    a, ca = f"access_token_cookie={access}", csrf_of(access)
    specs = [
        ("basic-header-then-cookie", "GET", {"Authorization": "Basic x", "Cookie": a}, "", None),
        ("bad-header-beats-cookie", "GET", {"Authorization": "Bearer junk", "Cookie": a}, "", None),
        ("malformed-header-beats-cookie", "GET", {"Authorization": "Bearer", "Cookie": a}, "", None),
        ("good-header-bad-cookie", "GET", {"Authorization": f"Bearer {access}", "Cookie": "access_token_cookie=junk"}, "", None),
        ("expired-cookie-beats-query", "GET", {"Cookie": f"access_token_cookie={expired}"}, f"jwt={access}", None),
        ("csrf-missing-beats-query", "POST", {"Cookie": a}, f"jwt={access}", None),
        ("csrf-ok-cookie", "POST", {"Cookie": a, CSRF: ca}, "jwt=junk", None),
        ("bad-query-beats-json", "POST", {"Content-Type": "application/json"}, "jwt=junk", json.dumps({"access_token": access})),
        ("json-only", "POST", {"Content-Type": "application/json"}, "", json.dumps({"access_token": access})),
        ("nothing-with-json-type", "POST", {"Content-Type": "application/json"}, "", "{}"),
        ("nothing-form", "POST", {"Content-Type": "application/x-www-form-urlencoded"}, "", "a=b"),
    ]
    out = []
    for n, m, h, q, b in specs:
        path = "/protected" if m == "GET" else "/post_protected"
        out.append(case(f"multi:{n}", m, path, h, q, b.encode() if b is not None else None))
    return out


def options_cases():
    paths = sorted({path for _, path, _ in ROUTES} | {"/revoke"})
    return [case(f"options {path}", "OPTIONS", path, compare_body=False) for path in paths]

#!/usr/bin/env python3
"""Differential test: the same requests to the Flask-JWT-Extended conformance app
(fje_app.py beside this file) and to jwt-extended's `conformance` example, on
one profile; asserts equal status (FJE's 422 = our 401 unless the profile is `compat`)
and equal error message, equal bodies on success, equal `/claims` payloads and equal
cookie layouts. Deliberate deviations are listed in deviations.py, each with its reason
and the exact answer we give instead; they are checked, never skipped.

Usage: diff.py --profile NAME --fje-port A --ours-port B [--keys DIR] [-v]
Needs PyJWT (run it with the FJE venv's python)."""
import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402
from deviations import DEVIATIONS  # noqa: E402
from tokens import Crafter  # noqa: E402


class Response:
    def __init__(self, status, raw, headers):
        self.status, self.raw = status, raw
        self.cookies = headers.get_all("Set-Cookie") or []
        try:
            self.json = json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    def msg(self, key):
        return self.json.get(key) if isinstance(self.json, dict) else None

    def __repr__(self):
        return f"{self.status} {self.raw[:160]!r}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def send(port, c):
    url = f"http://127.0.0.1:{port}{c['path']}" + (f"?{c['query']}" if c["query"] else "")
    body = c["body"]
    if body is None and c["method"] == "POST":
        body = b""
    req = urllib.request.Request(url, data=body, method=c["method"], headers=c["headers"])
    try:
        with OPENER.open(req, timeout=10) as r:
            return Response(r.status, r.read().decode("utf-8", "replace"), r.headers)
    except urllib.error.HTTPError as e:
        return Response(e.code, e.read().decode("utf-8", "replace"), e.headers)


def cookie_layout(set_cookies):
    """Set-Cookie lines with values and future dates masked: names, flags and order stay."""
    out = []
    for line in set_cookies:
        parts = [s.strip() for s in line.split(";")]
        name, _, value = parts[0].partition("=")
        attrs = []
        for a in parts[1:]:
            k, _, v = a.partition("=")
            if k.lower() == "expires" and "1970" not in v:
                v = "<future>"
            attrs.append(f"{k.lower()}={v}" if v else k.lower())
        out.append((name, "<value>" if value else "", tuple(sorted(attrs))))
    return out


class Runner:
    def __init__(self, profile, fje, ours, verbose):
        self.profile, self.fje, self.ours, self.verbose = profile, fje, ours, verbose
        self.key = cases.PROFILES[profile]["key"]
        self.passed, self.failed, self.deviations = 0, [], {}

    def expected_status(self, fje_status):
        return 401 if fje_status == 422 and self.profile != "compat" else fje_status

    def ok(self, name):
        self.passed += 1
        if self.verbose:
            print(f"  ok   {name}")

    def fail(self, name, why):
        self.failed.append(name)
        print(f"  FAIL [{self.profile}] {name}: {why}")

    def deviation(self, name):
        for d in DEVIATIONS:
            if re.search(d["match"], name) and self.profile in d.get("profiles", cases.PROFILES):
                return d
        return None

    def check_deviation(self, name, d, a, b):
        fje_status, fje_msg = d["fje"]
        if fje_status is not None and a.status != fje_status or fje_msg is not None and not re.search(fje_msg, str(a.msg(self.key))):
            return self.fail(name, f"listed deviation {d['id']!r} no longer describes FJE: {a!r}")
        status, msg = d["ours"]
        if status == "invalid":
            status = 422 if self.profile == "compat" else 401
        if b.status != status or msg is not None and not re.search(msg, str(b.msg(self.key))):
            return self.fail(name, f"deviation {d['id']!r}: expected ours {status} {msg!r}, got {b!r}")
        self.deviations.setdefault(d["id"], []).append(name)
        self.ok(name)

    def compare(self, c, a, b):
        name = c["name"]
        d = self.deviation(name)
        if d:
            return self.check_deviation(name, d, a, b)
        if b.status != self.expected_status(a.status):
            return self.fail(name, f"status: FJE {a!r} vs ours {b!r}")
        if a.status >= 400:
            if a.msg(self.key) != b.msg(self.key):
                return self.fail(name, f"message: FJE {a.msg(self.key)!r} vs ours {b.msg(self.key)!r}")
        elif c["compare_body"] and a.json != b.json:
            return self.fail(name, f"body: FJE {a.raw[:300]!r} vs ours {b.raw[:300]!r}")
        self.ok(name)

    def run(self, c):
        a, b = send(self.fje, c), send(self.ours, c)
        self.compare(c, a, b)
        return a, b

    def login(self, body):
        c = cases.case(f"login {json.dumps(body)}", "POST", "/login", {"Content-Type": "application/json"},
                       body=json.dumps(body).encode(), compare_body=False)
        a, b = self.run(c)
        if a.status != 200 or b.status != 200:
            raise SystemExit(f"login failed: FJE {a!r} ours {b!r}")
        if sorted(a.json) != sorted(b.json):
            self.fail(c["name"] + " keys", f"{sorted(a.json)} vs {sorted(b.json)}")
        if cookie_layout(a.cookies) != cookie_layout(b.cookies):
            self.fail(c["name"] + " cookies", f"{cookie_layout(a.cookies)} vs {cookie_layout(b.cookies)}")
        return a.json, b.json

    def cross_tokens(self):
        """Tokens minted by each side (they share the key), to be used on both sides."""
        out = []
        for tag, body in [("test-fresh", {"username": "test", "fresh": True}), ("test", {"username": "test"}),
                          ("admin", {"username": "admin", "fresh": 1}), ("nobody", {"username": "nobody", "fresh": True})]:
            fje, ours = self.login(body)
            for side, tokens in (("fje", fje), ("ours", ours)):
                out.append((f"{side}-minted-{tag}-access", tokens["access_token"]))
                out.append((f"{side}-minted-{tag}-refresh", tokens["refresh_token"]))
        return out

    def claims_shape(self, tokens):
        """The same token gives the same `/claims` document on both sides."""
        loc = cases.PROFILES[self.profile]["locations"][0]
        for tname, token in tokens + [("none", None)]:
            h, q, body = cases.present(cases.PROFILES[self.profile], loc, token, "GET", False) if token else ({}, "", None)
            c = cases.case(f"claims-shape:{tname}", "GET", "/claims", h, q, body, compare_body=False)
            a, b = send(self.fje, c), send(self.ours, c)
            if a.status != 200 or b.status != 200:
                continue  # refused tokens are compared by the matrix
            if sorted(a.json) != sorted(b.json):
                self.fail(c["name"], f"keys {sorted(a.json)} vs {sorted(b.json)}")
            elif a.json != b.json:
                self.fail(c["name"], f"FJE {a.json} vs ours {b.json}")
            else:
                self.ok(c["name"])

    def logout(self):
        c = cases.case("logout", "POST", "/logout")
        a, b = self.run(c)
        if cookie_layout(a.cookies) != cookie_layout(b.cookies):
            self.fail("logout cookies", f"{cookie_layout(a.cookies)} vs {cookie_layout(b.cookies)}")

    def revocation(self, crafter):
        """Revoke a token on both sides, then present it again (one per minting side)."""
        p = cases.PROFILES[self.profile]
        loc = p["locations"][0]
        fje, ours = self.login({"username": "test", "fresh": True})
        crafted = crafter.sign(fresh=True)
        for tname, token, refresh_tok in [("fje-minted", fje["access_token"], fje["refresh_token"]),
                                          ("ours-minted", ours["access_token"], ours["refresh_token"]),
                                          ("crafted", crafted, crafter.sign(type="refresh"))]:
            for kind, tok, m, path, refresh in [("access", token, "GET", "/protected", False),
                                                ("refresh", refresh_tok, "POST", "/post_refresh_protected", True)]:
                use = lambda step: cases.case(f"revoke:{tname}:{kind} {step} {m} {path}", m, path,
                                              *cases.present(p, loc, tok, m, refresh))
                self.run(use("before"))
                h, q, body = cases.present(p, loc, tok, "POST", False)
                if loc == "json":
                    body = json.dumps({p["json"][0]: tok}).encode()
                self.run(cases.case(f"revoke:{tname}:{kind} revoke", "POST", "/revoke", h, q, body))
                self.run(use("after"))
                self.run(cases.case(f"revoke:{tname}:{kind} revoke again", "POST", "/revoke", h, q, body))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", required=True, choices=sorted(cases.PROFILES))
    ap.add_argument("--fje-port", type=int, required=True)
    ap.add_argument("--ours-port", type=int, required=True)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--keys", default=os.environ.get("KEYS_DIR", os.path.join(here, "../fixtures/keys")))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    r = Runner(args.profile, args.fje_port, args.ours_port, args.verbose)
    crafter = Crafter(args.profile, args.keys)
    crafted = crafter.catalogue()
    minted = r.cross_tokens()
    access, refresh = crafter.sign(fresh=True), crafter.sign(type="refresh")
    all_cases = (cases.matrix(args.profile, crafted + minted)
                 + cases.header_cases(args.profile, access, refresh)
                 + cases.cookie_cases(args.profile, access, refresh)
                 + cases.query_cases(args.profile, access)
                 + cases.json_cases(args.profile, access, refresh)
                 + cases.multi_location_cases(args.profile, access, crafter)
                 + cases.options_cases())
    for c in all_cases:
        r.run(c)
    r.claims_shape(crafted + minted)
    r.logout()
    r.revocation(crafter)

    for did, names in sorted(r.deviations.items()):
        d = next(x for x in DEVIATIONS if x["id"] == did)
        print(f"  deviation {did} ({len(names)} cases, e.g. {names[0]}): {d['reason']}")
    print(f"differential: {r.passed} passed, {len(r.failed)} failed")
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()

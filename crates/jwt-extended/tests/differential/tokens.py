"""Crafted tokens for the differential test: valid ones and every kind of broken one,
signed with the conformance secret (or the RS256 test key pair), so that
Flask-JWT-Extended and jwt-extended judge exactly the same bytes."""
import base64
import hashlib
import hmac
import json
import os
import time
import uuid

import jwt

SECRET = "conformance-secret-key-0123456789abcdef"
DROP = object()  # a claim value meaning "leave this claim out"


def b64(data):
    if not isinstance(data, bytes):
        data = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Crafter:
    def __init__(self, profile, keys_dir):
        self.profile = profile
        if profile == "rs256":
            with open(os.path.join(keys_dir, "rs256-private.pem")) as f:
                self.key = f.read()
            with open(os.path.join(keys_dir, "rs256-public.pem")) as f:
                self.public = f.read()
            self.alg = "RS256"
        else:
            self.key, self.public, self.alg = SECRET, None, "HS256"

    def claims(self, **over):
        now = int(time.time())
        c = {"fresh": False, "iat": now, "jti": str(uuid.uuid4()), "type": "access", "sub": "test",
             "nbf": now, "csrf": str(uuid.uuid4()), "exp": now + 900}
        if self.profile == "claims":
            c.update(aud="foo", iss="baz")
        c.update(over)
        return {k: v for k, v in c.items() if v is not DROP}

    def sign(self, headers=None, **over):
        return jwt.encode(self.claims(**over), self.key, algorithm=self.alg, headers=headers)

    def hmac_raw(self, header, payload, secret, digest=hashlib.sha256):
        """A token with arbitrary header/payload bytes, HMAC-signed by hand."""
        signing_input = f"{b64(header)}.{b64(payload)}"
        sig = hmac.new(secret.encode() if isinstance(secret, str) else secret, signing_input.encode(), digest).digest()
        return f"{signing_input}.{b64(sig)}"

    def raw(self, header, payload):
        """Arbitrary header/payload bytes signed with the profile's key (so only the
        structural defect can fail)."""
        if self.alg == "HS256":
            return self.hmac_raw(header, payload, SECRET)
        signing_input = f"{b64(header)}.{b64(payload)}"
        from jwt.algorithms import RSAAlgorithm
        algo = RSAAlgorithm(RSAAlgorithm.SHA256)
        sig = algo.sign(signing_input.encode(), algo.prepare_key(self.key))
        return f"{signing_input}.{b64(sig)}"

    def catalogue(self):
        """(name, token) pairs every route is tried with."""
        now = int(time.time())
        hdr = {"alg": self.alg, "typ": "JWT"}
        good = self.claims()
        t = [
            ("access", self.sign()),
            ("access-fresh", self.sign(fresh=True)),
            ("refresh", self.sign(type="refresh")),
            ("fresh-until-future", self.sign(fresh=now + 300.5)),
            ("fresh-until-past", self.sign(fresh=now - 300)),
            ("fresh-string", self.sign(fresh="yes")),
            ("unknown-user", self.sign(sub="nobody", fresh=True)),
            ("admin", self.sign(sub="admin", fresh=True)),
            ("no-type", self.sign(type=DROP)),
            ("other-type", self.sign(type="weird")),
            ("no-fresh", self.sign(fresh=DROP)),
            ("no-jti", self.sign(jti=DROP)),
            ("no-exp", self.sign(exp=DROP)),
            ("no-csrf", self.sign(csrf=DROP)),
            ("expired", self.sign(exp=now - 100)),
            ("nbf-future", self.sign(nbf=now + 100)),
            ("iat-future", self.sign(iat=now + 100)),
            ("missing-sub", self.sign(sub=DROP)),
            ("sub-int", self.sign(sub=5)),
            ("jti-int", self.sign(jti=5)),
            ("exp-string", self.sign(exp="soon")),
            ("nbf-string", self.sign(nbf="soon")),
            ("iat-string", self.sign(iat="soon")),
            ("extra-header", self.sign(headers={"foo": "bar"})),
            ("kid-int", self.raw({"alg": self.alg, "typ": "JWT", "kid": 5}, good)),
            ("bad-signature", self.hmac_raw(hdr, good, "another-secret-another-secret-another")),
            ("alg-none", jwt.encode(good, None, algorithm="none")),
            ("alg-missing", self.raw({"typ": "JWT"}, good)),
            ("alg-unknown", self.raw({"alg": "XX256", "typ": "JWT"}, good)),
            ("not-enough-segments", "abc.def"),
            ("one-word", "abc"),
            ("too-many-segments", self.sign() + ".extra"),
            ("bad-header-b64", "a.b.c"),
            ("header-array", self.raw([1], good)),
            ("payload-array", self.raw(hdr, [1])),
            ("header-not-json", self.raw(b"not json", good)),
            ("payload-not-json", self.raw(hdr, b"not json")),
            ("duplicate-sub", self.raw(hdr, json.dumps(good)[:-1].encode() + b',"sub":"admin"}')),
            ("huge", self.sign(pad="x" * 9000)),
        ]
        if self.alg == "HS256":
            t.append(("wrong-alg-hs512", self.hmac_raw({"alg": "HS512", "typ": "JWT"}, good, SECRET, hashlib.sha512)))
        else:
            # Algorithm confusion: HS256 keyed with the RSA public key.
            t.append(("alg-confusion-hs256", self.hmac_raw({"alg": "HS256", "typ": "JWT"}, good, self.public)))
            t.append(("hs256-shared-secret", self.hmac_raw({"alg": "HS256", "typ": "JWT"}, good, SECRET)))
        if self.profile == "claims":
            t += [
                ("aud-missing", self.sign(aud=DROP)),
                ("aud-wrong", self.sign(aud="nope")),
                ("aud-list-bar", self.sign(aud=["x", "bar"])),
                ("aud-list-wrong", self.sign(aud=["x", "y"])),
                ("aud-int", self.raw(hdr, self.claims(aud=5))),
                ("aud-empty", self.sign(aud="")),
                ("iss-missing", self.sign(iss=DROP)),
                ("iss-wrong", self.sign(iss="nope")),
                ("iss-int", self.raw(hdr, self.claims(iss=5))),
                ("exp-within-leeway", self.sign(exp=now - 5)),
                ("exp-beyond-leeway", self.sign(exp=now - 30)),
                ("nbf-within-leeway", self.sign(nbf=now + 5)),
                ("nbf-beyond-leeway", self.sign(nbf=now + 30)),
                ("iat-within-leeway", self.sign(iat=now + 5)),
            ]
        return t

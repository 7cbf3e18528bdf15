"""Where jwt-extended deliberately answers differently from Flask-JWT-Extended.

Each entry: `id`, `reason`, `match` (regex on the case name), optional `profiles`,
`fje` = what FJE answers (status or None, message regex or None) and `ours` = what we
answer instead (status, "invalid" meaning 401, or 422 in the compat profile; message
regex or None). diff.py checks both sides against the entry, so an entry that no longer
describes either side fails the run instead of hiding a difference."""

DEVIATIONS = [
    {
        "id": "python-json-parser-text",
        "reason": "FJE's message embeds the text of Python's json parser ('Expecting value: line 1 "
                  "column 1 (char 0)'); ours has the same 'Invalid header/payload string: ' prefix "
                  "followed by serde_json's description. Same status, same situation.",
        "match": r":(header|payload)-not-json ",
        "fje": (422, r"^Invalid (header|payload) string: Expecting value"),
        "ours": ("invalid", r"^Invalid (header|payload) string: \S"),
    },
    {
        "id": "duplicate-claims-refused",
        "reason": "Stricter by design: a payload with two 'sub' keys is refused (Python keeps the last "
                  "one, other parsers the first: two readers must never disagree on who a token names).",
        "match": r":duplicate-sub ",
        "fje": (None, None),
        "ours": ("invalid", r'^Invalid payload string: duplicate key "sub"'),
    },
    {
        "id": "non-boolean-fresh",
        "reason": "FJE compares a string 'fresh' claim with a float and crashes (500); docs/conformance.md "
                  "requires 4xx for hostile input, so a non-boolean, non-numeric 'fresh' is simply not fresh.",
        "match": r":fresh-string \S+ /fresh_protected$",
        "fje": (500, None),
        "ours": (401, r"^Fresh token required$"),
    },
    {
        "id": "json-body-not-an-object",
        "reason": "FJE calls .get() on a JSON array/string body and crashes (500); we answer the "
                  "'missing key' 401 (docs/conformance.md: 4xx, never 500, for JSON array bodies).",
        "match": r"^json:(array|string)-body$",
        "fje": (500, None),
        "ours": (401, r'Missing "(access_token|tok)" key in json data\.\)?$'),
    },
    {
        "id": "json-token-not-a-string",
        "reason": "FJE passes a non-string JSON value to PyJWT, whose message embeds a Python class repr "
                  "(\"Token must be a <class 'bytes'>\"); ours says 'Token must be a string'.",
        "match": r"^json:token-(int|list)$",
        "fje": (422, r"^Invalid token type\. Token must be a <class 'bytes'>$"),
        "ours": ("invalid", r"^Invalid token type\. Token must be a string$"),
    },
    {
        "id": "token-size-limit",
        "reason": "Stricter by design: tokens over max_token_bytes (8 KiB by default) are refused before "
                  "any parsing (docs/conformance.md: 4xx for huge tokens); FJE decodes them.",
        "match": r"^json:huge ",
        "fje": (None, None),
        "ours": ("invalid", r"^Token is too large$"),
    },
]

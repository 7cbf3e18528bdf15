#!/usr/bin/env bash
# Checks auth-server's import rule (written down in crates/auth-server/src/lib.rs):
#   cli → app → routes → domain → http → state → infra
# a module may use its own layer and the layers below it, never one above; `settings`
# and `telemetry` are leaves that use no other module of the crate (telemetry may read
# settings' types); two modules under
# `routes/` never import each other. Every `crate::…` path in the source counts (use
# lines, paths in expressions, doc links are ignored). Prints each offending file:line
# and exits 1 when there is one.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/crates/auth-server/src"
exec python3 - "$src" <<'PY'
import os, re, sys

src = sys.argv[1]
order = ["cli", "app", "routes", "domain", "http", "state", "infra"]
leaves = {"settings", "telemetry"}
# Files at the root that belong to a layer without being a folder.
root_files = {"main": "cli", "lib": "cli", "server": "app", "fuzzing": "app", "state": "state",
              "settings": "settings", "telemetry": "telemetry"}

def layer_of(rel):
    top = rel.split("/")[0].removesuffix(".rs")
    return root_files.get(top, top)

def rank(layer):
    return order.index(layer) if layer in order else None

path_re = re.compile(r"\bcrate::([a-z_]+)(?:::([a-z_]+))?")
problems = []
for dirpath, _, files in os.walk(src):
    for name in sorted(files):
        if not name.endswith(".rs"):
            continue
        full = os.path.join(dirpath, name)
        rel = os.path.relpath(full, src)
        here = layer_of(rel)
        here_route = rel.split("/")[1].removesuffix(".rs") if here == "routes" and "/" in rel else None
        with open(full, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                code = line.split("//", 1)[0]
                for m in path_re.finditer(code):
                    target = root_files.get(m.group(1), m.group(1))
                    why = None
                    if here in leaves and target != here and not (here == "telemetry" and target == "settings"):
                        why = f"`{here}` is a leaf and may not use `{target}`"
                    elif target in leaves or target == here:
                        if here == "routes" and target == "routes" and m.group(2) and m.group(2) != here_route:
                            why = f"routes/{here_route} may not use another route module (routes::{m.group(2)})"
                    elif rank(target) is None or rank(here) is None:
                        why = f"unknown layer for `crate::{m.group(1)}` (add it to the rule)"
                    elif rank(target) < rank(here):
                        why = f"`{here}` may not use `{target}`, a layer above it"
                    if why:
                        problems.append(f"crates/auth-server/src/{rel}:{number}: {why}: {line.strip()}")
for p in problems:
    print(p)
if problems:
    print(f"check-layers: {len(problems)} import(s) against the rule in lib.rs", file=sys.stderr)
    sys.exit(1)
print("check-layers: every import runs one way")
PY

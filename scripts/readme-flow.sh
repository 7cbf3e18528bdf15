#!/usr/bin/env bash
# Runs the README's curl quick start against a real auth-server: takes the ```sh block
# under "### Quick start" in README.md, starts the binary (release by default, debug with
# --debug; AUTH_SERVER_BIN overrides) on a free port with a temporary data directory,
# runs the block with that address in place of 127.0.0.1:8080 (each command is echoed;
# every curl uses --fail-with-body, so any non-2xx step fails), then checks that the
# tokens are refused after the logout. Needs curl and jq.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
case "${1:-}" in
  --debug) profile=debug ;;
  "") ;;
  *) echo "usage: $0 [--debug]" >&2; exit 2 ;;
esac
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "readme-flow: $tool is required" >&2; exit 1; }
done

# shellcheck source=scripts/lib/server.sh
source scripts/lib/server.sh
bin=$(auth_server_bin "$profile")

# 1. The quick-start block.
awk '/^#+ Quick start/ { heading = 1; next }
     heading && /^```sh[[:space:]]*$/ { inside = 1; next }
     inside && /^```/ { exit }
     inside { print }' README.md >"$work/quickstart.sh"
[[ -s $work/quickstart.sh ]] || fail "no \`\`\`sh block under a 'Quick start' heading in README.md"
grep -q 'http://127.0.0.1:8080' "$work/quickstart.sh" || fail "the quick start does not use http://127.0.0.1:8080"

# 2. A fresh server on a free port.
start_server "$bin"
echo "readme-flow: server at http://$addr ($bin)"

# 3. The README's commands, then checks that the logout took effect.
{
  echo 'set -euo pipefail'
  sed "s#http://127.0.0.1:8080#http://$addr#g" "$work/quickstart.sh"
  cat <<'CHECKS'

# --- checks added by scripts/readme-flow.sh ---
echo
status() { curl -sS -o /dev/null -w '%{http_code}' "$@"; }
[[ $(status "$BASE/api/v1/secret" -H "Authorization: Bearer $ACCESS") == 401 ]] \
  || { echo "the access token still works after logout" >&2; exit 1; }
[[ $(status -X POST "$BASE/api/v1/auth/refresh" -H "Authorization: Bearer $REFRESH") == 401 ]] \
  || { echo "the refresh token still works after logout" >&2; exit 1; }
CHECKS
} >"$work/flow.sh"
bash -v "$work/flow.sh" >"$work/flow.log" 2>&1 || { cat "$work/flow.log" >&2; fail "a quick-start step failed"; }
cat "$work/flow.log"
grep -q '"answer":42' "$work/flow.log" || fail "the protected route did not answer {\"answer\":42}"
grep -q '"msg":"Logged out"' "$work/flow.log" || fail "the logout did not answer {\"msg\":\"Logged out\"}"
echo "readme-flow: OK (register -> login -> secret -> refresh -> logout)"

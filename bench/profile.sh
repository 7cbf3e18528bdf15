#!/usr/bin/env bash
# Where the instructions of one request go: runs the release auth-server under callgrind,
# sends requests to ROUTE for SECONDS_MEASURED seconds with a valid access token, and prints the instructions
# per request and the functions with the largest inclusive share. Instruction counts do
# not depend on what else the machine is doing, so two builds compare exactly even on a
# busy machine (timings would not).
#
# Env: ROUTE (/api/v1/secret), SECONDS_MEASURED (15), AUTH_SERVER_BIN (skip the build),
# SERVER_ENV (extra VAR=value words for the server, e.g. AUTH_REDIS_URL=redis://...),
# DISTINCT_TOKENS (N: /api/v1/secret with N distinct tokens round-robin, the
# verified-token cache's miss path),
# KEEP_PROFILE (a path: keep the callgrind output there for callgrind_annotate),
# CALLGRIND_OPTS (extra valgrind words, e.g. --dump-instr=yes for per-instruction costs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
route=${ROUTE:-/api/v1/secret}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
say() { echo "profile: $*" >&2; }
die() { say "FAIL: $*"; exit 1; }
# shellcheck source=bench/lib/server.sh
source "$root/bench/lib/server.sh"
ensure_server_binary

# shellcheck disable=SC2086
env -u AUTH_DATABASE_URL -u AUTH_REDIS_URL ${SERVER_ENV:-} \
  valgrind --tool=callgrind ${CALLGRIND_OPTS:-} --callgrind-out-file="$work/callgrind.out" \
  "$AUTH_SERVER_BIN" serve --bind 127.0.0.1:0 --data-dir "$work/data" >"$work/server.log" 2>&1 &
pid=$!
# Under valgrind the start-up takes longer.
wait_for_address "$work/server.log" "$pid" 120
addr=$AUTH_ADDR
pair=$(bench_login "$addr" profile)
if [[ ${DISTINCT_TOKENS:-0} -gt 0 ]]; then
  # A different token on every request (lib/distinct.lua, which calls /api/v1/secret).
  route=/api/v1/secret
  python3 "$root/bench/lib/mint_tokens.py" "$addr" "$(jq -r .refresh_token <<<"$pair")" "$DISTINCT_TOKENS" >"$work/distinct.tokens"
  load=(-s "$root/bench/lib/distinct.lua" "http://$addr" -- "$work/distinct.tokens")
else
  load=(-H "Authorization: Bearer $(jq -r .access_token <<<"$pair")" "http://$addr$route")
fi
# Warm the connection pool and caches, then count only the measured requests.
wrk -t1 -c4 -d2s "${load[@]}" >/dev/null
callgrind_control --zero "$pid" >/dev/null
# A fixed duration; the per-request figure divides by the requests wrk completed.
wrk -t1 -c4 -d"${SECONDS_MEASURED:-15}"s "${load[@]}" >"$work/wrk.txt"
grep -E "requests in|Non-2xx" "$work/wrk.txt" >&2 || true
done_requests=$(awk '/requests in/ { print $1 }' "$work/wrk.txt")
callgrind_control --dump=measured "$pid" >/dev/null
kill "$pid"
wait "$pid" 2>/dev/null || true
measured=$(grep -l 'measured' "$work"/callgrind.out* | head -n 1)
total=$(callgrind_annotate "$measured" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
[[ -n ${KEEP_PROFILE:-} ]] && cp "$measured" "$KEEP_PROFILE"
echo "route $route: $done_requests requests, $((total / done_requests)) instructions per request (server side)"
callgrind_annotate --inclusive=yes "$measured" 2>/dev/null | sed -n '/file:function/,$p' | head -n "${TOP:-45}"

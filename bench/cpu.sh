#!/usr/bin/env bash
# The server's own CPU time per `/secret`, in real time rather than callgrind's instruction
# counts: user and system microseconds per request (from /proc/PID/task/*/stat around a
# wrk run, wrk -t1 -c32 as in bench/run.sh) for the axum ceiling, when the peers run, and
# for auth-server with one token repeated (the verified-token cache answers) and with
# DISTINCT_TOKENS distinct tokens round-robin (every request decodes). wrk's req/s says
# what the machine does as a whole; this says what share of it is the server's code, which
# callgrind (no SHA extensions, no cache misses, no kernel) cannot.
#
# Usage: bash bench/cpu.sh
# Env: AUTH_SERVER_BIN (skip the release build), DISTINCT_TOKENS (1024), ROUNDS (2),
# DURATION (s, 10), CEILING (127.0.0.1:5002; the token in /tmp/axum-ceiling.token).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
distinct=${DISTINCT_TOKENS:-1024}
rounds=${ROUNDS:-2}
duration=${DURATION:-10}
ceiling=${CEILING:-127.0.0.1:5002}
work=$(mktemp -d)
pid=""
trap '[[ -z $pid ]] || kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
say() { echo "cpu: $*" >&2; }
# shellcheck source=bench/lib/server.sh
source "$root/bench/lib/server.sh"
command -v wrk >/dev/null || { say "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
ensure_server_binary

# user and system clock ticks of every thread of PID, so far
ticks() { cat /proc/"$1"/task/*/stat 2>/dev/null | awk '{ user += $14; kernel += $15 } END { print user, kernel }'; }
tick=$(getconf CLK_TCK)
# measure NAME PID WRK_ARGS...: a 2-second warm-up, then one measured run
measure() {
  local name=$1 server=$2 before after requests
  shift 2
  wrk -t1 -c32 -d2s "$@" >/dev/null
  read -ra before < <(ticks "$server")
  requests=$(wrk -t1 -c32 -d"$duration"s "$@" | awk '/requests in/ { print $1 }')
  read -ra after < <(ticks "$server")
  awk -v name="$name" -v n="$requests" -v d="$duration" -v t="$tick" \
    -v u=$((after[0] - before[0])) -v s=$((after[1] - before[1])) \
    'BEGIN { printf "%-26s %7.0f req/s   user %5.1f µs   system %5.1f µs   per request\n", name, n / d, u / t * 1e6 / n, s / t * 1e6 / n }'
}

ceiling_pid=$(ss -Htlnp "( sport = :${ceiling##*:} )" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true)
[[ -n $ceiling_pid && -f /tmp/axum-ceiling.token ]] \
  || say "no ceiling on $ceiling (bash \$PEERS_DIR/peers.sh start): auth-server only"

start_auth_server "$work/server.log" "$work/data"
pid=$AUTH_PID addr=$AUTH_ADDR
pair=$(bench_login "$addr")
python3 "$root/bench/lib/mint_tokens.py" "$addr" "$(jq -r .refresh_token <<<"$pair")" "$distinct" >"$work/distinct.tokens"

for _ in $(seq 1 "$rounds"); do
  [[ -z $ceiling_pid ]] \
    || measure "ceiling" "$ceiling_pid" -H "Authorization: Bearer $(cat /tmp/axum-ceiling.token)" "http://$ceiling/secret"
  measure "auth-server, one token" "$pid" -H "Authorization: Bearer $(jq -r .access_token <<<"$pair")" "http://$addr/api/v1/secret"
  measure "auth-server, $distinct tokens" "$pid" -s "$root/bench/lib/distinct.lua" "http://$addr" -- "$work/distinct.tokens"
done

#!/usr/bin/env bash
# Resident memory with many keep-alive connections, on its own: the "many connections"
# scenario of bench/run.sh (goal 6) without the six minutes of other scenarios before it,
# so that a change to per-connection memory can be measured in a minute. Starts the
# release server on a fresh data directory, registers and logs in, then runs wrk against
# /api/v1/secret with CONNECTIONS keep-alive connections: a WARMUP-second wave, then a
# DURATION-second one (the same as bench/run.sh), ROUNDS times. The server's VmRSS and its
# established sockets are sampled every 0.5 s; prints the idle size, the size before each
# round, the peak, the peak's cost per connection and the round's req/s.
#
# Differs from bench/run.sh in one way: the server has not served the other scenarios
# first, so its size before the first round is lower: compare these figures with each
# other, and the per-connection cost with run.sh's.
#
# Usage: bash bench/connections.sh
# Env: CONNECTIONS (10000), WARMUP (s, 2), DURATION (s, 10), ROUNDS (1), AUTH_SERVER_BIN
# (skip the release build), SERVER_ENV (extra VAR=value words for the server, e.g.
# _RJEM_MALLOC_CONF=narenas:2 to try jemalloc options without a build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
many=${CONNECTIONS:-10000}
warmup=${WARMUP:-2}
duration=${DURATION:-10}
rounds=${ROUNDS:-1}
work=$(mktemp -d)
pid=""
trap '[[ -z $pid ]] || kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
say() { echo "connections: $*" >&2; }
die() { say "FAIL: $*"; exit 1; }
# shellcheck source=bench/lib/server.sh
source "$root/bench/lib/server.sh"

command -v wrk >/dev/null || { say "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
# wrk and the server each need a descriptor per connection.
ulimit -n "$(ulimit -Hn)"
[[ $(ulimit -n) -ge $((many + 100)) ]] || die "ulimit -n $(ulimit -n) is too low for $many connections"
ensure_server_binary

# shellcheck disable=SC2086
start_auth_server "$work/server.log" "$work/data" ${SERVER_ENV:-}
pid=$AUTH_PID addr=$AUTH_ADDR
access=$(bench_login "$addr" | jq -r .access_token)
load=(-t1 -c"$many" --timeout 10s -H "Authorization: Bearer $access" "http://$addr/api/v1/secret")
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $access" "http://$addr/api/v1/secret") == 200 ]] \
  || die "/secret refused the token"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
port=${addr##*:}
say "idle: $(mb "$(rss_kb)") MB ($AUTH_SERVER_BIN${SERVER_ENV:+, $SERVER_ENV})"
established() { ss -Htn state established "( sport = :$port )" | wc -l; }
for round in $(seq 1 "$rounds"); do
  # The previous round's connections closed and their memory handed back (jemalloc
  # purges freed pages after 200 ms): otherwise "before" would still count them.
  for _ in $(seq 1 100); do [[ $(established) -eq 0 ]] && break; sleep 0.1; done
  sleep 1
  before=$(rss_kb)
  rm -f "$work/done"
  sample_peak "$pid" "$port" "$work/peak" "$work/done" &
  sampler=$!
  wrk "${load[@]}" -d"$warmup"s >/dev/null
  wrk "${load[@]}" -d"$duration"s >"$work/wrk.txt"
  touch "$work/done"
  wait "$sampler"
  read -r peak connections_seen <"$work/peak"
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$work/wrk.txt")
  errors=$(awk '/Socket errors|Non-2xx/' "$work/wrk.txt" | tr -s ' ' | paste -sd';' -)
  per_connection=$(awk -v p="$peak" -v b="$before" -v n="$connections_seen" 'BEGIN { printf "%.1f", n ? (p - b) * 1.024 / n : 0 }')
  say "round $round: before $(mb "$before") MB, peak $(mb "$peak") MB with $connections_seen connections" \
    "($per_connection KB each above before), $rps req/s${errors:+ ($errors)}"
done
say "after: $(mb "$(rss_kb)") MB"

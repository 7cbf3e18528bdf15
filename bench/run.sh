#!/usr/bin/env bash
# The benchmark of bench/README.md: auth-server against its peers (the axum ceiling,
# Fastify, Flask-JWT-Extended), in one run on this machine, with wrk on loopback. Prints one table,
# writes it and a chart to target/bench-results/ (and to docs/benchmark.md and
# docs/benchmark.svg after a full run with the peers), and says which goals are met.
#
# The peers live outside the repository (PEERS_DIR): the axum ceiling, the Fastify peer and
# the Flask-JWT-Extended peer. Without them every auth-server
# scenario still runs and reports its absolute figures; the goals that are ratios to a
# peer are reported as not evaluated, never as met or failed.
#
# Usage: bash bench/run.sh [--no-peers]
# Env: DURATION (s per measured run, 10), WARMUP (s, 2), CONNECTIONS (32), ROUNDS (best of,
# 3), AUTH_SERVER_BIN (skip the release build), PEERS_DIR (../shared/bench), PEERS (auto:
# used when PEERS_DIR has them, 1: required, 0: not used, as --no-peers), REDIS_URL
# (redis://127.0.0.1:6379), MANY_CONNECTIONS (10000), REVOKED (1000000), DISTINCT_TOKENS
# (1024), PROPAGATION_REVOCATIONS (1000), FLOOD_CONNECTIONS (64: the guessing flood's).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lib="$root/bench/lib"
# shellcheck source=bench/lib/server.sh
source "$lib/server.sh"

say() { echo "bench: $*" >&2; }
die() { say "FAIL: $*"; exit 1; }

peers_mode=${PEERS:-auto}
for arg in "$@"; do
  case $arg in
    --no-peers) peers_mode=0 ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (usage: bash bench/run.sh [--no-peers])" ;;
  esac
done
[[ $peers_mode =~ ^(auto|0|1)$ ]] || die "PEERS must be auto, 0 or 1, not '$peers_mode'"

# knob VAR NAME DEFAULT: VAR from the environment's NAME, else DEFAULT. Each knob changed
# is named in the report's command; one below its default makes a short run, whose
# figures stay out of docs/ (and whose goals that need the full size are not evaluated).
changed=() short=()
knob() {
  printf -v "$1" '%s' "${!2:-$3}"
  [[ ${!1} =~ ^[0-9]+$ ]] || die "$2 must be a whole number, not '${!1}'"
  [[ ${!1} == "$3" ]] || changed+=("$2=${!1}")
  ((10#${!1} >= $3)) || short+=("$2=${!1}")
}
knob duration DURATION 10
knob warmup WARMUP 2
knob connections CONNECTIONS 32
knob rounds ROUNDS 3
knob many MANY_CONNECTIONS 10000
knob revoked REVOKED 1000000
knob distinct DISTINCT_TOKENS 1024
knob propagation_count PROPAGATION_REVOCATIONS 1000
knob flood_connections FLOOD_CONNECTIONS 64
peers_dir=${PEERS_DIR:-$root/../shared/bench}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
cores=$(nproc)
work=$(mktemp -d)
results="$work/results"
mkdir -p "$results"
declare -A server_pid server_addr
redis_prefix="bench-$$:"
peers_tried="" peers_absent=""

cleanup() {
  for name in "${!server_pid[@]}"; do stop_server "$name"; done
  [[ -z $peers_tried ]] || bash "$peers_dir/peers.sh" stop >/dev/null 2>&1 || true
  redis-cli -u "$redis_url" --scan --pattern "$redis_prefix*" 2>/dev/null | xargs -r redis-cli -u "$redis_url" del >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { say "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
# wrk and the server each need a descriptor per connection.
ulimit -n "$(ulimit -Hn)"
[[ $(ulimit -n) -ge $((many + 100)) ]] || die "ulimit -n $(ulimit -n) is too low for $many connections"

# start_peers: the peers of PEERS_DIR, and a token for each. The Flask peer's two workers
# create its tables at the same time, and sometimes one of them fails to boot (it may even
# answer once, then reset the next connection): start again until both peers answer and a
# Flask login succeeds.
start_peers() {
  say "starting the peers of $peers_dir (first run builds the ceiling and a Python venv)"
  peers_tried=1
  for attempt in 1 2 3 4; do
    bash "$peers_dir/peers.sh" start >&2 || true
    curl -sf -o /dev/null http://127.0.0.1:5001/hello && curl -sf -o /dev/null http://127.0.0.1:5002/hello \
      && curl -sf -o /dev/null http://127.0.0.1:5003/hello && [[ -s /tmp/fastify-peer.token ]] \
      && flask_tokens=$(curl -sf -XPOST 127.0.0.1:5001/login -H 'content-type: application/json' \
        -d '{"username":"test","password":"test-password"}') && return 0
    say "a peer did not start (attempt $attempt)"
    bash "$peers_dir/peers.sh" stop >&2
  done
  return 1
}

# peers: whether this run measures the peers (and the goals that are ratios to them).
peers() { [[ -z $peers_absent ]]; }

if [[ $peers_mode == 0 ]]; then
  peers_absent="not wanted: --no-peers or PEERS=0"
elif [[ ! -f $peers_dir/peers.sh ]]; then
  [[ $peers_mode == auto ]] || die "PEERS=1 but $peers_dir/peers.sh does not exist"
  peers_absent="$peers_dir/peers.sh does not exist"
elif ! start_peers; then
  [[ $peers_mode == auto ]] || die "PEERS=1 but the peers did not start"
  peers_absent="the peers of $peers_dir did not start in 4 attempts"
fi
if peers; then
  ceiling_token=$(cat /tmp/axum-ceiling.token)
  fastify_token=$(cat /tmp/fastify-peer.token)
  flask_access=$(cat /tmp/peer-flask.token)
  flask_refresh=$(jq -r .refresh_token <<<"$flask_tokens")
else
  say "WITHOUT THE PEERS: $peers_absent. The axum ceiling and the Flask-JWT-Extended peer are"
  say "not measured; auth-server's scenarios run and report absolute figures, and these goals,"
  say "ratios to a peer, are reported as not evaluated:"
  python3 "$lib/report.py" --goals-needing-peers | sed 's/^/bench:   /' >&2
fi

ensure_server_binary

# start_server NAME DATA_DIR [ENV=VALUE...]: the release server on a free port.
start_server() {
  local name=$1 data=$2
  shift 2
  start_auth_server "$work/$name.log" "$data" "$@"
  server_pid[$name]=$AUTH_PID
  server_addr[$name]=$AUTH_ADDR
}

stop_server() {
  local pid=${server_pid[$1]:-}
  [[ -n $pid ]] || return 0
  kill -CONT "$pid" 2>/dev/null || true # a paused server (see below) must run to stop
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "server_pid[$1]"
}

rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/${server_pid[$1]}/status"; }

# login NAME USER: a token pair from the named server.
login() {
  curl -sf -XPOST "http://${server_addr[$1]}/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"bench-password-1\"}"
}

# measure RESULT_NAME URL [wrk options...]: warm-up, then one measured wrk run appended
# to the result file (lib/report.lua prints the JSON line).
measure() {
  local name=$1 url=$2
  shift 2
  local script="$work/$name.lua"
  cat "${WRK_SCRIPT:-/dev/null}" "$lib/report.lua" >"$script"
  wrk -t1 -c"${WRK_CONNECTIONS:-$connections}" -d"$warmup"s -s "$script" "$@" "$url" >/dev/null
  say "$name"
  wrk -t1 -c"${WRK_CONNECTIONS:-$connections}" -d"$duration"s -s "$script" "$@" "$url" \
    | grep '^{' | tee -a "$results/$name.json" >&2
}

# measure_with_tokens RESULT_NAME LUA_SCRIPT WARM_TOKENS MEASURED_TOKENS: like measure, on
# the main server, for the scripts that read a token file given after `--` (rotation
# consumes tokens, so warm-up and measured run may need their own).
measure_with_tokens() {
  local name=$1 script="$work/$1.lua"
  cat "$2" "$lib/report.lua" >"$script"
  wrk -t1 -c"$connections" -d"$warmup"s -s "$script" "http://$main" -- "$3" >/dev/null
  say "$name"
  wrk -t1 -c"$connections" -d"$duration"s -s "$script" "http://$main" -- "$4" \
    | grep '^{' | tee -a "$results/$name.json" >&2
}

# register NAME USER: an account on the named server, with the password login() sends.
register() {
  curl -sf -XPOST "http://${server_addr[$1]}/api/v1/auth/register" -H 'content-type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"bench-password-1\"}" >/dev/null || die "registering $2 failed"
}

# --- the default server: SQLite, revocations in memory ---------------------------------
# The login scenarios register an account per login in flight (below), more than the
# default registration limit per address allows.
start_server main "$work/main" AUTH_REGISTRATION_MAX_PER_ADDRESS=100000
main=${server_addr[main]}
register main bench
access=$(login main bench | jq -r .access_token)
auth=(-H "Authorization: Bearer $access")
[[ $(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "http://$main/api/v1/secret") == 200 ]] || die "/secret refused the token"
idle_rss=$(rss_mb main)

# Revocations in Redis: three more servers on the same data directory (same key, same
# user) sharing one Redis prefix, as three instances of one deployment; one of them is
# measured in the same rounds as the ceiling and the other /secret lines, so that the
# ratio is not decided by what the shared machine did in another minute, while the two
# others stay subscribed (and later observe the revocation propagation).
for name in redis redis_b redis_c; do
  start_server "$name" "$work/main" AUTH_REDIS_URL="$redis_url" AUTH_REDIS_KEY_PREFIX="$redis_prefix"
  [[ $(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "http://${server_addr[$name]}/api/v1/secret") == 200 ]] \
    || die "/secret with Redis refused the token on $name"
done

# 1,000,000 revoked tokens: a third server on a copy of the data directory (same key, same
# user), seeded and started before the rounds so that it too is measured in them. The
# copy is made with SQLite's backup API (the main server holds the database open).
mkdir -p "$work/seeded"
cp "$work/main/jwt-secret.key" "$work/seeded/"
python3 -c 'import sqlite3, sys; src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2]); src.backup(dst)' \
  "$work/main/auth.db" "$work/seeded/auth.db"
start_server seeded "$work/seeded" AUTH_PRUNE_INTERVAL=2s
before_1m_rss=$(rss_mb seeded)
stop_server seeded
# Long enough to cover loading (several seconds for a million rows) and the rounds.
expiry=$((rounds * 6 * (warmup + duration + 1) + 60))
python3 "$lib/seed_revocations.py" "$work/seeded/auth.db" "$revoked" "$expiry" >&2
seeded_at=$(date +%s)
start_server seeded "$work/seeded" AUTH_PRUNE_INTERVAL=2s
seeded=${server_addr[seeded]}
with_1m_rss=$(rss_mb seeded)
entries() { curl -sf "http://$seeded/metrics" | awk '/^auth_revocation_entries / { print $2 }'; }
[[ $(entries) -ge $revoked ]] || die "the seeded revocations were not loaded ($(entries))"

# A different token on every request (the verified-token cache misses): DISTINCT access
# tokens of one session, each from a refresh of the previous refresh token.
python3 "$lib/mint_tokens.py" "$main" "$(login main bench | jq -r .refresh_token)" "$distinct" >"$work/distinct.tokens"

# The rounds: every /secret figure that is compared with another, in turn, so that each
# ratio compares the same minutes of the shared machine.
for _ in $(seq 1 "$rounds"); do
  if peers; then measure ceiling_secret http://127.0.0.1:5002/secret -H "Authorization: Bearer $ceiling_token"; fi
  measure ours_secret "http://$main/api/v1/secret" "${auth[@]}"
  measure_with_tokens ours_secret_distinct "$lib/distinct.lua" "$work/distinct.tokens" "$work/distinct.tokens"
  measure ours_secret_1m "http://$seeded/api/v1/secret" "${auth[@]}"
  measure ours_secret_redis "http://${server_addr[redis]}/api/v1/secret" "${auth[@]}"
  if peers; then measure fastify_secret http://127.0.0.1:5003/secret -H "Authorization: Bearer $fastify_token"; fi
done
# Revocation propagation: each revocation made on the measured instance is timed until
# both others refuse it.
python3 "$lib/mint_tokens.py" "${server_addr[redis]}" "$(login redis bench | jq -r .refresh_token)" "$propagation_count" \
  | python3 "$lib/propagation.py" "${server_addr[redis]}" "${server_addr[redis_b]}" "${server_addr[redis_c]}" \
    >"$results/propagation.json" || die "the propagation measurement failed"
say "revocation propagation to 2 other instances: $(cat "$results/propagation.json")"
stop_server redis_b
stop_server redis_c
stop_server redis
# Paused until the prune check at the end: once its million revocations expire, pruning
# them keeps a core busy for seconds, which must not land in another scenario's
# measurement (run 6 measured logins while it did: 0.83x instead of 0.94x).
kill -STOP "${server_pid[seeded]}"
if peers; then measure flask_secret http://127.0.0.1:5001/secret -H "Authorization: Bearer $flask_access"; fi

# Refresh with rotation: two pools of live refresh tokens (warm-up, measured run), one
# session per connection.
for pool in warm measured; do
  # wrk asks the script for one request more than it sends at start: one spare token.
  for _ in $(seq 0 "$connections"); do login main bench | jq -r .refresh_token; done >"$work/refresh-$pool.tokens"
done
measure_with_tokens ours_refresh "$lib/rotate.lua" "$work/refresh-warm.tokens" "$work/refresh-measured.tokens"
if peers; then
  WRK_SCRIPT="$lib/post.lua" measure flask_refresh http://127.0.0.1:5001/token/refresh -H "Authorization: Bearer $flask_refresh"
fi

# Login: one hash's time from the server's own histogram (one login at a time), then the
# pool saturated, then /secret while the pool stays saturated. Logins go round-robin to
# four accounts per connection (lib/login.lua), so that logins in flight seldom share one.
login_connections=$((cores * 4))
export BENCH_ACCOUNTS=$((login_connections * 4))
for i in $(seq 1 "$BENCH_ACCOUNTS"); do register main "bench-login-$i"; done
hash_stats() { curl -sf "http://$main/metrics" | awk '/^auth_password_hash_seconds_(sum|count) / { printf "%s ", $2 }'; }
read -r sum0 count0 <<<"$(hash_stats)"
WRK_SCRIPT="$lib/login.lua" WRK_CONNECTIONS=1 measure ours_login_single "http://$main/api/v1/auth/login"
read -r sum1 count1 <<<"$(hash_stats)"
mean_hash() { awk -v s0="$1" -v c0="$2" -v s1="$3" -v c1="$4" 'BEGIN { printf "%.5f", (s1 - s0) / (c1 - c0) }'; }
hash_seconds=$(mean_hash "$sum0" "$count0" "$sum1" "$count1")
WRK_SCRIPT="$lib/login.lua" WRK_CONNECTIONS=$login_connections measure ours_login "http://$main/api/v1/auth/login"
# One hash's time while every core hashes (includes the warm-up): the hardware's share of
# any shortfall (caches and memory bandwidth shared between the cores), reported beside it.
read -r sum2 count2 <<<"$(hash_stats)"
hash_seconds_saturated=$(mean_hash "$sum1" "$count1" "$sum2" "$count2")
if peers; then
  BENCH_BODY='{"username":"test","password":"test-password"}' WRK_SCRIPT="$lib/post.lua" WRK_CONNECTIONS=$login_connections \
    measure flask_login http://127.0.0.1:5001/login
fi
cat "$lib/login.lua" >"$work/login-load.lua"
wrk -t1 -c"$login_connections" -d$((warmup + duration + 2))s -s "$work/login-load.lua" "http://$main/api/v1/auth/login" >/dev/null &
login_load=$!
sleep 1 # the load is running before /secret's warm-up starts (not a synchronisation)
measure ours_secret_under_login "http://$main/api/v1/secret" "${auth[@]}"
wait "$login_load"

# A password-guessing flood (issue 21, goal 4): a server that believes one proxy hop of
# X-Forwarded-For, flooded by lib/flood.lua (wrong passwords from 1,000 addresses, against
# the real user's account, another one and new unknown names) on enough connections to keep
# the hashing queue full, while /secret is measured and the real user, who logged in
# before and holds a device cookie, logs in one login at a time (lib/device_login.lua).
# The hashing threads' CPU time is read from /proc before and after the flood.
start_server flood "$work/flood" AUTH_TRUSTED_PROXY_HOPS=1
flood_addr=${server_addr[flood]}
register flood bench
for i in 1 2 3 4; do register flood "bench-login-$i"; done
flood_access=$(login flood bench | jq -r .access_token)
curl -sf -o /dev/null -D "$work/device.headers" -XPOST "http://$flood_addr/api/v1/auth/login" \
  -H 'content-type: application/json' -H 'x-forwarded-for: 192.0.2.10' \
  -d '{"username":"bench","password":"bench-password-1"}' || die "the real user's first login failed"
device_cookie=$(grep -io '^set-cookie: login_device=[^;]*' "$work/device.headers" | cut -d' ' -f2)
[[ -n $device_cookie ]] || die "the login set no device cookie"
# hash_cpu: the CPU seconds the flood server's hashing threads (argon2-*) have used.
hash_cpu() {
  local pid=${server_pid[flood]} ticks=0 task
  for task in /proc/"$pid"/task/*; do
    [[ $(cat "$task/comm" 2>/dev/null) == argon2-* ]] || continue
    ticks=$((ticks + $(sed 's/^.*) //' "$task/stat" | awk '{ print $12 + $13 }')))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
flood_metric() { curl -sf "http://$flood_addr/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
hashes0=$(flood_metric auth_password_hash_seconds_count)
cpu0=$(hash_cpu)
cat "$lib/flood.lua" >"$work/flood-load.lua"
BENCH_ACCOUNTS=4 wrk -t1 -c"$flood_connections" --timeout 10s -d$((2 * (warmup + duration) + 6))s -s "$work/flood-load.lua" \
  "http://$flood_addr/api/v1/auth/login" | grep '^{' >"$results/flood.json" &
flood_load=$!
sleep 1 # the flood is running before the measurements' warm-up starts (not a synchronisation)
measure ours_secret_under_flood "http://$flood_addr/api/v1/secret" -H "Authorization: Bearer $flood_access"
BENCH_DEVICE_COOKIE=$device_cookie WRK_SCRIPT="$lib/device_login.lua" WRK_CONNECTIONS=1 \
  measure ours_login_under_flood "http://$flood_addr/api/v1/auth/login"
wait "$flood_load"
cpu1=$(hash_cpu)
hashes1=$(flood_metric auth_password_hash_seconds_count)
flood_threads=$(ls /proc/"${server_pid[flood]}"/task/*/comm | xargs cat | grep -c '^argon2-')
flood_facts=$(jq -c --argjson cpu "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')" \
  --argjson hashes "$((${hashes1%.*} - ${hashes0%.*}))" --argjson threads "$flood_threads" \
  --argjson connections "$flood_connections" \
  '{requests, seconds, statuses, socket_errors, connections: $connections, hash_cpu_seconds: $cpu, hashes: $hashes,
    hashing_threads: $threads, hashing_queue: 64, hashing_priority_queue: 64}' "$results/flood.json") \
  || die "the flood's figures are missing ($(cat "$results/flood.json"))"
say "flood: $flood_facts"
stop_server flood

# Many keep-alive connections: resident size and established sockets sampled during the run.
port=${main##*:}
before_many_rss=$(rss_mb main)
sample_peak "${server_pid[main]}" "$port" "$work/many.peak" "$work/many.done" &
sampler=$!
WRK_CONNECTIONS=$many measure ours_secret_many "http://$main/api/v1/secret" "${auth[@]}" --timeout 10s
touch "$work/many.done"
wait "$sampler"
read -r many_rss_kb connections_seen <"$work/many.peak"
stop_server main

# --- the 1,000,000 revocations expire: the state must shrink back -----------------------
say "waiting for the seeded revocations to expire and be pruned"
kill -CONT "${server_pid[seeded]}"
# They may have expired while the server was paused: it then has a minute from now.
deadline=$(($(date +%s) > seeded_at + expiry ? $(date +%s) + 60 : seeded_at + expiry + 60))
left=$(entries)
while [[ $left -gt 0 && $(date +%s) -lt $deadline ]]; do
  sleep 1
  left=$(entries)
done
after_prune_rss=$(rss_mb seeded)
stop_server seeded

scenarios=(ours_secret ours_secret_distinct ours_secret_1m ours_secret_redis ours_refresh ours_login
  ours_secret_under_login ours_secret_under_flood ours_login_under_flood ours_secret_many)
if peers; then scenarios+=(ceiling_secret fastify_secret flask_secret flask_refresh flask_login); fi
command="bash bench/run.sh"
if [[ $peers_mode == 0 ]]; then command+=" --no-peers"; fi
if ((${#changed[@]})); then command="${changed[*]} $command"; fi
cat >"$results/facts.json" <<JSON
{"scenarios": $(jq -nc '$ARGS.positional' --args "${scenarios[@]}"), "short": $(jq -nc '$ARGS.positional' --args "${short[@]}"),
 "peers_absent": $(jq -n --arg r "$peers_absent" '$r'), "command": $(jq -n --arg c "$command" '$c'),
 "cores": $cores, "hash_seconds": $hash_seconds, "hash_seconds_saturated": $hash_seconds_saturated, "revoked": $revoked, "date": "$(date -u +%Y-%m-%d)",
 "machine": "$(uname -m) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)",
 "connections": $connections, "duration": $duration, "warmup": $warmup, "rounds": $rounds,
 "propagation": $(cat "$results/propagation.json"), "flood": $flood_facts,
 "many_connections": $many, "distinct_tokens": $distinct, "connections_seen": $connections_seen, "revocations_after_prune": $left,
 "memory_mb": {"idle": $idle_rss, "before_many_connections": $before_many_rss, "many_connections": $(awk -v k="$many_rss_kb" 'BEGIN { printf "%.1f", k / 1024 }'),
   "before_1m_revocations": $before_1m_rss, "with_1m_revocations": $with_1m_rss, "after_prune": $after_prune_rss}}
JSON
out="$root/target/bench-results"
rm -rf "$out" && mkdir -p "$root/target" && cp -r "$results" "$out"
python3 "$lib/report.py" "$out"
# docs/ shows one comparable run: the full size, with the peers measured beside us.
if peers && ((${#short[@]} == 0)); then
  cp "$out/benchmark.md" "$out/benchmark.svg" "$root/docs/"
  say "written: docs/benchmark.md, docs/benchmark.svg (and $out/)"
else
  why=${peers_absent:+"the peers were absent ($peers_absent)"}
  ((${#short[@]} == 0)) || why+="${why:+; }a short run (${short[*]})"
  say "docs/benchmark.md and docs/benchmark.svg left as they were: $why; this run's report: $out/benchmark.md"
fi

# Sourced by the bench scripts (run.sh, connections.sh, profile.sh): the release
# auth-server they measure, started on a free port of loopback, and its peak memory while
# connections are open. The caller defines `say` and `die` and sets `root` (the repository).

# ensure_server_binary: AUTH_SERVER_BIN, or else the release build, made here if needed.
ensure_server_binary() {
  if [[ -z ${AUTH_SERVER_BIN:-} ]]; then
    say "building auth-server (release)"
    cargo build --release -q -p auth-server --bin auth-server --manifest-path "$root/Cargo.toml"
    AUTH_SERVER_BIN="${CARGO_TARGET_DIR:-$root/target}/release/auth-server"
  fi
}

# wait_for_address LOG PID [SECONDS]: sets AUTH_ADDR to the host:port the server of PID
# says it listens on in LOG; dies if it exits first or says nothing within SECONDS (60).
wait_for_address() {
  local log=$1 pid=$2 tries=$((${3:-60} * 10))
  AUTH_ADDR=""
  for _ in $(seq 1 "$tries"); do
    AUTH_ADDR=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$log" | head -n 1 | sed 's#listening on http://##' || true)
    [[ -n $AUTH_ADDR ]] && return 0
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "the server logging to $log exited during start-up"; }
    sleep 0.1
  done
  tail -n 20 "$log" >&2
  die "the server logging to $log did not start within ${3:-60} s"
}

# start_auth_server LOG DATA_DIR [ENV=VALUE...]: the server in the background on DATA_DIR,
# with no configuration from this shell's AUTH_* variables but the ones given; sets
# AUTH_PID and AUTH_ADDR.
start_auth_server() {
  local log=$1 data=$2
  shift 2
  env -u AUTH_CONFIG -u AUTH_BIND -u AUTH_DATA_DIR -u AUTH_DATABASE_URL -u AUTH_REDIS_URL -u AUTH_ISSUER \
    -u AUTH_AUDIENCE RUST_LOG=info "$@" \
    "$AUTH_SERVER_BIN" serve --bind 127.0.0.1:0 --data-dir "$data" >"$log" 2>&1 &
  AUTH_PID=$!
  wait_for_address "$log" "$AUTH_PID"
}

# sample_peak PID PORT PEAK_FILE STOP_FILE: until STOP_FILE exists (or the server exits),
# every 0.5 s, the highest resident size (kB) of PID and the most established connections
# to PORT seen so far, written to PEAK_FILE as "kB connections". Run it in the background.
sample_peak() {
  local pid=$1 port=$2 out=$3 stop=$4 peak_rss=0 peak_conns=0 rss conns
  while kill -0 "$pid" 2>/dev/null && [[ ! -f $stop ]]; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    conns=$(ss -Htn state established "( sport = :$port )" | wc -l)
    ((rss > peak_rss)) && peak_rss=$rss
    ((conns > peak_conns)) && peak_conns=$conns
    echo "$peak_rss $peak_conns" >"$out"
    sleep 0.5
  done
}

# bench_login ADDR [USERNAME]: registers USERNAME (bench) on the server at ADDR and logs it
# in; prints the login's JSON answer (access_token, refresh_token). Fails if either fails.
bench_login() {
  local addr=$1 body="{\"username\":\"${2:-bench}\",\"password\":\"bench-password-1\"}"
  curl -sf -XPOST "http://$addr/api/v1/auth/register" -H 'content-type: application/json' -d "$body" >/dev/null \
    || { say "FAIL: registering on $addr failed"; return 1; }
  curl -sf -XPOST "http://$addr/api/v1/auth/login" -H 'content-type: application/json' -d "$body" \
    || { say "FAIL: logging in on $addr failed"; return 1; }
}

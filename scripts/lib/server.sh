# Shared by the scripts that drive a real auth-server (source it, do not run it):
# `auth_server_bin PROFILE` builds and prints the binary (AUTH_SERVER_BIN overrides),
# `start_server BIN [ENV=VALUE...]` starts it on a free port with a temporary data
# directory and sets `addr` (host:port) once the start-up line names it, `fail MSG`
# prints the server log and exits 1. The server and `$work` are removed on exit.

work=$(mktemp -d)
server_pid=""
addr=""

cleanup_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup_server EXIT

fail() {
  echo "${0##*/}: FAIL: $*" >&2
  if [[ -f $work/server.log ]]; then
    echo "--- server log (last 50 lines) ---" >&2
    tail -n 50 "$work/server.log" >&2
  fi
  exit 1
}

auth_server_bin() {
  local profile=$1
  if [[ -n ${AUTH_SERVER_BIN:-} ]]; then
    echo "$AUTH_SERVER_BIN"
    return
  fi
  if [[ $profile == release ]]; then
    cargo build --release -p auth-server --bin auth-server >&2
  else
    cargo build -p auth-server --bin auth-server >&2
  fi
  echo "${CARGO_TARGET_DIR:-target}/$profile/auth-server"
}

start_server() {
  local bin=$1
  shift
  [[ -x $bin ]] || fail "no server binary at $bin"
  env -u AUTH_CONFIG -u AUTH_BIND -u AUTH_DATA_DIR -u AUTH_DATABASE_URL -u AUTH_REDIS_URL \
    -u AUTH_ISSUER -u AUTH_AUDIENCE "$@" \
    "$bin" serve --bind 127.0.0.1:0 --data-dir "$work/data" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    addr=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$work/server.log" | head -n 1 | sed 's#listening on http://##' || true)
    [[ -n $addr ]] && break
    kill -0 "$server_pid" 2>/dev/null || fail "the server exited during start-up"
    sleep 0.1
  done
  [[ -n $addr ]] || fail "the server did not report its address within 60 s"
  [[ $(curl -sS -o /dev/null -w '%{http_code}' "http://$addr/healthz") == 200 ]] || fail "/healthz is not 200"
}

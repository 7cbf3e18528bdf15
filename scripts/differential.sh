#!/usr/bin/env bash
# Differential test of jwt-extended against Flask-JWT-Extended (docs/conformance.md): for
# every profile, serve the FJE app of crates/jwt-extended/tests/differential/fje_app.py
# and our `conformance` example on free ports, run diff.py against both, then stop both.
# Exits non-zero if any profile fails. PROFILES="a b" restricts the run; KEYS_DIR
# overrides the RS256 pair (default: the crate's test keys); FJE_VENV is where the pinned
# Flask-JWT-Extended (tests/differential/requirements.txt) is installed from PyPI on
# first use. `--prepare` only installs it (.ci/run does so early, in the background).
set -euo pipefail
prepare=false
case "${1:-}" in
  --prepare) prepare=true ;;
  "") ;;
  *) echo "usage: $0 [--prepare]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
differential=$root/crates/jwt-extended/tests/differential
venv=${FJE_VENV:-$HOME/.cache/jwt-fje-venv}
profiles=${PROFILES:-default all cookies custom claims rs256 compat}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
export KEYS_DIR=${KEYS_DIR:-$root/crates/jwt-extended/tests/fixtures/keys}
# A private state dir for pid files and logs, so we only ever stop our own processes.
state=$(mktemp -d "${TMPDIR:-/tmp}/jwt-differential.XXXXXX")

stop_all() {
  for f in "$state"/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$f"
  done
}
trap 'stop_all; rm -rf "$state"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1 did not open" >&2
  return 1
}

# The venv is (re)built whenever requirements.txt differs from the copy installed with it.
if ! cmp -s "$differential/requirements.txt" "$venv/requirements.txt" 2>/dev/null; then
  echo "installing Flask-JWT-Extended into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$differential/requirements.txt"
  cp "$differential/requirements.txt" "$venv/requirements.txt"
fi
if $prepare; then
  exit 0
fi

echo "building the conformance example"
(cd "$root" && cargo build -q --workspace --example conformance)
ours_bin=$CARGO_TARGET_DIR/debug/examples/conformance

# start NAME PORT COMMAND...: runs COMMAND in the background, logged and remembered.
start() {
  local name=$1 port=$2
  shift 2
  "$@" >"$state/$name-$port.log" 2>&1 &
  echo $! >"$state/$name-$port.pid"
  if ! wait_port "$port"; then
    cat "$state/$name-$port.log" >&2
    return 1
  fi
}

failed=()
for profile in $profiles; do
  fje_port=$(free_port)
  ours_port=$(free_port)
  while [ "$ours_port" = "$fje_port" ]; do ours_port=$(free_port); done
  if ! start fje "$fje_port" env PROFILE="$profile" \
          "$venv/bin/gunicorn" -w 1 --chdir "$differential" -b "127.0.0.1:$fje_port" fje_app:app \
     || ! start ours "$ours_port" "$ours_bin" --profile "$profile" --port "$ours_port"; then
    failed+=("$profile")
    stop_all
    continue
  fi
  echo "profile $profile: FJE :$fje_port, jwt-extended :$ours_port"
  if ! "$venv/bin/python" "$differential/diff.py" \
      --profile "$profile" --fje-port "$fje_port" --ours-port "$ours_port" --keys "$KEYS_DIR"; then
    failed+=("$profile")
  fi
  stop_all
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "differential: FAILED profiles: ${failed[*]}" >&2
  exit 1
fi
echo "differential: all profiles passed ($profiles)"

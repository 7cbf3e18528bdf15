#!/usr/bin/env bash
# Differential test of jwt-extended against Flask-JWT-Extended (issue 2): for every
# profile of shared/spec/CONFORMANCE.md, serve the FJE conformance app
# (shared/bench/peers.sh conformance) and our `conformance` example on free ports, run
# crates/jwt-extended/tests/differential/diff.py against both, then stop both.
# Exits non-zero if any profile fails. PROFILES="a b" restricts the run; SHARED_DIR
# overrides where shared/ lives (default: beside the repository).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "${SHARED_DIR:-$root/../shared}" && pwd)
peers=$shared/bench/peers.sh
venv=${PEER_VENV:-$HOME/.cache/jwt-peer-venv}
profiles=${PROFILES:-default all cookies custom claims rs256 compat}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
export KEYS_DIR=${KEYS_DIR:-$shared/spec/keys}
# A private state dir: peers.sh writes its pid files here, so we only ever stop our own.
state=$(mktemp -d "${TMPDIR:-/tmp}/jwt-differential.XXXXXX")
export PEER_STATE=$state

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

echo "building the conformance example"
(cd "$root" && cargo build -q --example conformance -p jwt-extended)
ours_bin=$CARGO_TARGET_DIR/debug/examples/conformance

failed=()
for profile in $profiles; do
  fje_port=$(free_port)
  ours_port=$(free_port)
  while [ "$ours_port" = "$fje_port" ]; do ours_port=$(free_port); done
  # peers.sh creates the FJE venv on first use and waits for the port itself.
  PROFILE=$profile "$peers" conformance "$fje_port" >/dev/null
  "$ours_bin" --profile "$profile" --port "$ours_port" >"$state/ours-$ours_port.log" 2>&1 &
  echo $! >"$state/ours-$ours_port.pid"
  if ! wait_port "$ours_port"; then
    cat "$state/ours-$ours_port.log" >&2
    failed+=("$profile")
    stop_all
    continue
  fi
  echo "profile $profile: FJE :$fje_port, jwt-extended :$ours_port"
  if ! "$venv/bin/python" "$root/crates/jwt-extended/tests/differential/diff.py" \
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

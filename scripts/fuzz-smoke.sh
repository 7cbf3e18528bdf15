#!/usr/bin/env bash
# Fuzz smoke test: runs every cargo-fuzz target of jwt-extended and auth-server for a
# short while (FUZZ_SECONDS, default 30) on a temporary copy of its seed corpus, so nothing
# under git changes, with bounded memory (FUZZ_RSS_MB, FUZZ_MALLOC_MB). Exits non-zero if
# any target crashes (the crashing input is kept under crates/<crate>/fuzz/artifacts/<target>/).
# Needs a nightly toolchain; without one it prints a skip line and exits 0.
# FUZZ_TARGETS="auth_bodies" restricts the run. Long runs: crates/*/fuzz/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${FUZZ_SECONDS:-30}"
rss_mb="${FUZZ_RSS_MB:-2048}"
malloc_mb="${FUZZ_MALLOC_MB:-512}"
# crate:target
all=(jwt-extended:decode_token jwt-extended:decode_signed jwt-extended:authorization_header
     jwt-extended:cookie_csrf auth-server:auth_bodies)
selected=()
for entry in "${all[@]}"; do
    if [[ -z ${FUZZ_TARGETS:-} || " $FUZZ_TARGETS " == *" ${entry#*:} "* ]]; then
        selected+=("$entry")
    fi
done

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "fuzz-smoke: SKIPPED: no nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

# One target directory for both fuzz crates: they share most dependencies (aws-lc,
# serde, axum), built once with the same sanitizer flags.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/fuzz}"
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
failed=()
for entry in "${selected[@]}"; do
    crate=${entry%%:*}
    target=${entry#*:}
    mkdir -p "$corpus/$target"
    cp "$root/crates/$crate/fuzz/seeds/$target"/* "$corpus/$target/"
    echo "fuzz-smoke: $crate $target for ${seconds}s"
    if ! (cd "$root/crates/$crate" && cargo +nightly fuzz run "$target" "$corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$malloc_mb" \
        -max_len=16384 -print_final_stats=1); then
        failed+=("$crate/$target")
    fi
done

if ((${#failed[@]})); then
    echo "fuzz-smoke: FAILED: ${failed[*]} (inputs under crates/<crate>/fuzz/artifacts/)"
    exit 1
fi
echo "fuzz-smoke: ${#selected[@]} passed, 0 failed"

#!/usr/bin/env bash
# Fuzz smoke test: runs every cargo-fuzz target of jwt-extended for a short while
# (FUZZ_SECONDS, default 30) on a temporary copy of its seed corpus, so nothing under git
# changes. Exits non-zero if any target crashes (the crashing input is kept under
# crates/jwt-extended/fuzz/artifacts/<target>/). Needs a nightly toolchain; without one
# it prints a skip line and exits 0. Long runs: crates/jwt-extended/fuzz/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${FUZZ_SECONDS:-30}"
targets=(decode_token decode_signed authorization_header cookie_csrf)

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "fuzz-smoke: SKIPPED: no nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
cd "$root/crates/jwt-extended"
failed=()
for target in "${targets[@]}"; do
    mkdir -p "$corpus/$target"
    cp fuzz/seeds/"$target"/* "$corpus/$target/"
    echo "fuzz-smoke: $target for ${seconds}s"
    if ! cargo +nightly fuzz run "$target" "$corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1; then
        failed+=("$target")
    fi
done

if ((${#failed[@]})); then
    echo "fuzz-smoke: FAILED: ${failed[*]} (inputs under crates/jwt-extended/fuzz/artifacts/)"
    exit 1
fi
echo "fuzz-smoke: ${#targets[@]} passed, 0 failed"

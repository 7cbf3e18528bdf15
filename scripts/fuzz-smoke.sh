#!/usr/bin/env bash
# Fuzz smoke test: builds every cargo-fuzz target of jwt-extended and auth-server in one
# `cargo fuzz build` of the fuzz workspace (rooted at crates/auth-server/fuzz, the library's
# fuzz crate a member), then runs each target for a short while (FUZZ_SECONDS, default 30)
# on a temporary copy of its seed corpus, so nothing under git changes, with bounded memory
# (FUZZ_RSS_MB, FUZZ_MALLOC_MB), FUZZ_JOBS targets at a time (default 2: one per core).
# Exits non-zero if any target crashes (the crashing input is kept under
# crates/<crate>/fuzz/artifacts/<target>/). Needs a nightly toolchain; without one it
# prints a skip line and exits 0. FUZZ_TARGETS="auth_bodies" restricts the run.
# FUZZ_SANITIZER (default address) and FUZZ_CODEGEN_UNITS (default 16) are passed to
# `cargo fuzz build`, FUZZ_OPT_LEVEL (default 1) sets the build's opt-level: a smoke run
# needs the instrumentation, the sanitizer and the assertions, not the last bit of speed,
# and -O1 builds the ~300 crates (aws-lc, SQLite and jemalloc's C too) far faster than -O3.
# `--build-only` stops after the build (.ci/run starts it early in the
# background). Long runs: crates/*/fuzz/README.md.
set -euo pipefail
build_only=false
case "${1:-}" in
    --build-only) build_only=true ;;
    "") ;;
    *) echo "usage: $0 [--build-only]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${FUZZ_SECONDS:-30}"
rss_mb="${FUZZ_RSS_MB:-2048}"
malloc_mb="${FUZZ_MALLOC_MB:-512}"
jobs="${FUZZ_JOBS:-2}"
sanitizer="${FUZZ_SANITIZER:-address}"
codegen_units="${FUZZ_CODEGEN_UNITS:-16}"
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

# The fuzz workspace is built by nightly rustc: a clippy-driver wrapper that CI sets for
# the main workspace (.ci/run) must not reach it.
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS
# The shared target directory keeps the build out of the fuzz crates and next to the
# main one (CI's target/ holds everything a run built).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/fuzz}"
build=(-s "$sanitizer" --codegen-units "$codegen_units")
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${FUZZ_OPT_LEVEL:-1}"
echo "fuzz-smoke: building every target (cargo fuzz build ${build[*]}, opt-level $CARGO_PROFILE_RELEASE_OPT_LEVEL)"
(cd "$root/crates/auth-server" && cargo +nightly fuzz build "${build[@]}")
if $build_only; then
    exit 0
fi
bin_dir="$CARGO_TARGET_DIR/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"
# What `cargo fuzz run` sets for an AddressSanitizer build.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_odr_violation=0"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run CRATE TARGET: one target on a fresh copy of its seeds; its output goes to a log
# (printed once it is done, so parallel runs do not interleave) and its exit code to a file.
run() {
    local crate=$1 target=$2
    local artifacts="$root/crates/$crate/fuzz/artifacts/$target"
    mkdir -p "$work/corpus/$target" "$artifacts"
    cp "$root/crates/$crate/fuzz/seeds/$target"/* "$work/corpus/$target/"
    local status=0
    "$bin_dir/$target" "$work/corpus/$target" -artifact_prefix="$artifacts/" \
        -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$malloc_mb" \
        -max_len=16384 -print_final_stats=1 >"$work/$target.log" 2>&1 || status=$?
    echo "$status" >"$work/$target.status"
}

echo "fuzz-smoke: ${#selected[@]} targets for ${seconds}s each, $jobs at a time"
for entry in "${selected[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
    run "${entry%%:*}" "${entry#*:}" &
done
wait

failed=()
for entry in "${selected[@]}"; do
    crate=${entry%%:*}
    target=${entry#*:}
    echo
    echo "fuzz-smoke: $crate $target"
    cat "$work/$target.log"
    if [[ $(cat "$work/$target.status" 2>/dev/null || echo none) != 0 ]]; then
        failed+=("$crate/$target")
        echo "fuzz-smoke: reproduce from crates/$crate: cargo +nightly fuzz run -s $sanitizer $target fuzz/artifacts/$target/<file>"
    fi
done

if ((${#failed[@]})); then
    echo "fuzz-smoke: FAILED: ${failed[*]} (inputs under crates/<crate>/fuzz/artifacts/)"
    exit 1
fi
echo "fuzz-smoke: ${#selected[@]} passed, 0 failed"

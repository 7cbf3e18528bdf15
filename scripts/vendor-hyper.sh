#!/usr/bin/env bash
# vendor/hyper is hyper 1.12.0 as published on crates.io plus vendor/hyper.patch (its
# first buffers 1 KiB instead of 8 KiB, its header-read timer reset instead of made anew
# for each request; why: vendor/README.md). This script is how the
# copy is made and how CI proves it is nothing else: it downloads the published crate,
# checks it against the checksum crates.io's index and Cargo.lock gave it before the
# copy, applies the patch and compares the result with vendor/hyper, file by file.
#
# Usage: bash scripts/vendor-hyper.sh          check vendor/hyper (exit 1 on a difference)
#        bash scripts/vendor-hyper.sh --write  replace vendor/hyper with crate + patch
# To move to a newer hyper: change VERSION and SHA256 (from `cargo update -p hyper`'s
# Cargo.lock, before the [patch] is in place, or from the crates.io index), run with
# --write, fix the patch if it no longer applies, and rebuild.
set -euo pipefail
VERSION=1.12.0
SHA256=2c3e324da4c95177d6291d4c8730197c0d1822f8a9766814a4a44fa5ab797c9c
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { echo "vendor-hyper: $*" >&2; }

crate="$work/hyper-$VERSION.crate"
cached=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"hyper-$VERSION.crate" 2>/dev/null | head -n 1 || true)
if [[ -n $cached ]]; then
  cp "$cached" "$crate"
else
  curl -sSfL --retry 3 -o "$crate" "https://static.crates.io/crates/hyper/hyper-$VERSION.crate"
fi
echo "$SHA256  $crate" | sha256sum --check --quiet - || { say "FAIL: hyper-$VERSION.crate does not have the pinned checksum"; exit 1; }
tar -xzf "$crate" -C "$work"
patch --quiet -p1 -d "$work/hyper-$VERSION" <"$root/vendor/hyper.patch"

if [[ ${1:-} == --write ]]; then
  rm -rf "$root/vendor/hyper"
  mv "$work/hyper-$VERSION" "$root/vendor/hyper"
  say "vendor/hyper is hyper $VERSION + vendor/hyper.patch"
elif diff -r "$work/hyper-$VERSION" "$root/vendor/hyper" >"$work/diff"; then
  say "vendor/hyper is hyper $VERSION (sha256 $SHA256) + vendor/hyper.patch, nothing else"
else
  head -n 40 "$work/diff" >&2
  say "FAIL: vendor/hyper differs from hyper $VERSION + vendor/hyper.patch (above)"
  exit 1
fi

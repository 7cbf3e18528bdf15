#!/usr/bin/env bash
# Runs the web page's end-to-end test (e2e/web.test.mjs) in Debian's Chromium against a
# real auth-server: installs `chromium` (and a Chinese font) with apt-get when missing
# and the pinned playwright-core with `npm ci` when e2e/node_modules is missing (never a
# downloaded browser) and the pinned axe-core, builds the server (release;
# AUTH_SERVER_BIN overrides), starts it on a free port with a temporary data directory,
# AUTH_ACCESS_TTL=2s and an admin account, checks /healthz, runs `node --test e2e/` and
# stops the server. Screenshots: target/e2e-screenshots/*.png. `--prepare` only installs
# the tools (.ci/run does so early, in the background).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "e2e: $*" >&2; }

# 1. Tools: Chromium, and a Chinese font so the 简体中文 screenshots show characters.
packages=()
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || packages+=(chromium)
[[ -n $(fc-list :lang=zh 2>/dev/null) ]] || packages+=(fonts-wqy-microhei)
if ((${#packages[@]})); then
  log "installing ${packages[*]} (apt-get)"
  sudo_cmd=()
  [[ $(id -u) == 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${packages[@]}"
fi
command -v node >/dev/null || { log "node is required"; exit 1; }
if [[ ! -d e2e/node_modules/playwright-core || ! -d e2e/node_modules/axe-core ]]; then
  log "installing playwright-core and axe-core (npm ci)"
  (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
if [[ ${1:-} == --prepare ]]; then
  exit 0
fi

# 2. A fresh server on a free port with a temporary data directory (scripts/lib/server.sh:
# release build unless AUTH_SERVER_BIN is given; stopped on exit; /healthz checked).
# shellcheck source=lib/server.sh
source scripts/lib/server.sh
bin=$(auth_server_bin release)
export E2E_ADMIN_USERNAME=e2e_admin E2E_ADMIN_PASSWORD="admin password for e2e"
# The journeys type a few wrong passwords on purpose, all from 127.0.0.1: a limit of 10
# failures keeps the client address under it until the throttle journey, which runs last.
start_server "$bin" AUTH_ACCESS_TTL=2s AUTH_LOG_FORMAT=json AUTH_LOGIN_MAX_FAILURES=10 \
  AUTH_ADMIN_USERNAME="$E2E_ADMIN_USERNAME" AUTH_ADMIN_PASSWORD="$E2E_ADMIN_PASSWORD" AUTH_PAGE_TITLE="Example Auth"
log "server at http://$addr ($bin)"

# 3. The test.
# E2E_NODE_ARGS: e.g. --test-name-pattern="two tabs" to run a part while working on it.
# shellcheck disable=SC2086
E2E_BASE_URL="http://$addr" node --test ${E2E_NODE_ARGS:-} e2e/ || fail "the end-to-end test failed (screenshots in target/e2e-screenshots/)"
log "OK"

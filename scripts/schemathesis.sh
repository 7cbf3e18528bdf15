#!/usr/bin/env bash
# API fuzzing (issue 6): runs schemathesis against /openapi.json of a real auth-server
# (AUTH_SERVER_BIN, default: the debug build) started on a free port with a temporary data
# directory, so that every response the fuzzer provokes is checked against the document:
# no 5xx, a documented status code, the documented content type and body schema.
#
# The runs, each bounded (SCHEMATHESIS_EXAMPLES cases per operation and phase, default 20;
# under a minute in all on 2 cores with the debug build):
#   1. anonymous, every operation;
#   2. with `Authorization: Bearer <access token>` of a registered user, every operation
#      except the four that end the caller's own session (logout, logout/access,
#      logout-all, deleting a user): run in between, they would turn the rest into 401s;
#   3. each of those four alone, with an access token of a session of its own (after its
#      first success the token is revoked, and the document says 401 for that).
# The tokens are obtained before run 1, whose failed logins get the client IP throttled.
#
# Checks (chosen explicitly):
#   not_a_server_error, status_code_conformance, content_type_conformance,
#   response_schema_conformance, response_headers_conformance: the contract above;
#   negative_data_rejection: a body or parameter that violates the schema gets a 4xx;
#   positive_data_acceptance: a request valid by the schema is never refused as malformed
#     (400): the document states every rule the server applies (lengths, patterns, ranges,
#     `format: date`, dates of birth up to today, no unknown members);
#   missing_required_header, unsupported_method, allow_header_conformance: a request
#     without a required header, or with a method the path does not serve, gets a 4xx
#     (405 with an `Allow` header listing the documented methods);
#   ignored_auth: a protected operation answers 401 without the run's token.
# Left out:
#   use_after_free, ensure_resource_availability, object_level_authorization: stateful
#     checks that need OpenAPI links between operations, which the document does not have
#     (the API suite tests revocation and per-user access instead).
#
# Needs python3 (with venv), curl and jq. The venv lives under $HOME/.cache (SCHEMATHESIS_VENV
# overrides); the schemathesis version is pinned below. `--prepare` only installs it
# (.ci/run does so early, in the background).
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.32.5
venv=${SCHEMATHESIS_VENV:-$HOME/.cache/jwt-schemathesis-$version}
examples=${SCHEMATHESIS_EXAMPLES:-20}
for tool in curl jq python3; do
  command -v "$tool" >/dev/null || { echo "schemathesis: $tool is required" >&2; exit 1; }
done
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  echo "schemathesis: installing schemathesis $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$version"
fi
if [[ ${1:-} == --prepare ]]; then
  exit 0
fi

# shellcheck source=scripts/lib/server.sh
source scripts/lib/server.sh
bin=$(auth_server_bin debug)
start_server "$bin"
base="http://$addr"
echo "schemathesis: server at $base ($bin)"

# A user and its sessions (the password is never printed; tokens stay in variables). All
# are logged in before the anonymous run, whose failed logins get this client throttled.
user="fuzz-$RANDOM"
password="fuzz password $RANDOM$RANDOM"
credentials=$(jq -cn --arg u "$user" --arg p "$password" '{username: $u, password: $p}')
post_json() { curl -sS --fail-with-body -H 'Content-Type: application/json' -d "$2" "$base$1"; }
post_json /api/v1/auth/register "$credentials" >/dev/null || fail "register failed"
access_token() { post_json /api/v1/auth/login "$credentials" | jq -er .access_token || fail "login failed"; }
main_token=$(access_token)
# The operations that end the caller's own session, each run with a session of its own.
ending=(logout logout_access logout_all delete_user)
declare -A ending_token
for operation in "${ending[@]}"; do
  ending_token[$operation]=$(access_token)
done

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
checks+=,response_headers_conformance,negative_data_rejection,missing_required_header
checks+=,unsupported_method,allow_header_conformance,ignored_auth,positive_data_acceptance
failed=()
run() {
  local name=$1
  shift
  echo
  echo "schemathesis: run '$name'"
  # From the temporary directory: schemathesis keeps a cache in ./.schemathesis.
  (cd "$work" && "$venv/bin/schemathesis" run "$base/openapi.json" \
    --checks "$checks" \
    --phases examples,coverage,fuzzing \
    --max-examples "$examples" \
    --workers 1 \
    --seed "${SCHEMATHESIS_SEED:-20260601}" \
    --generation-database none \
    --request-timeout 10 \
    --output-sanitize true \
    --no-color \
    "$@") || failed+=("$name")
}
run anonymous
run authenticated -H "Authorization: Bearer $main_token" \
  --exclude-operation-id-regex "^($(IFS='|'; echo "${ending[*]}"))\$"
for operation in "${ending[@]}"; do
  run "$operation" -H "Authorization: Bearer ${ending_token[$operation]}" --include-operation-id "$operation"
done

echo
echo "schemathesis: the server's answers by status:"
grep -o 'status=[0-9]*' "$work/server.log" | sort | uniq -c
if grep -qi 'panicked' "$work/server.log"; then
  failed+=("server panicked")
fi
if ((${#failed[@]})); then
  fail "${failed[*]}"
fi
echo "schemathesis: OK (anonymous, authenticated and ${#ending[@]} session-ending runs)"

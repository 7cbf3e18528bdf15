#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are running —
# installing them with apt-get when absent, starting them when stopped — creates a fresh
# test database, and writes TEST_DATABASE_URL / TEST_REDIS_URL to target/ci-services.env.
# Fails when a service cannot be brought up: the backend suites must never silently skip.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 100); do port_open "$1" && return 0; sleep 0.2; done; return 1; }
apt_install() { (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }

if ! port_open 5432; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
  wait_port 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
fi
if ! port_open 6379; then
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 6379 || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
fi

db="jwt_extended_ci"
psql_cmd() { PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_cmd -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
psql_cmd -d "$db" -c "SELECT 1" >/dev/null
redis-cli -h 127.0.0.1 -p 6379 PING | grep -q PONG

cat > target/ci-services.env <<ENV
TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
TEST_REDIS_URL=redis://127.0.0.1:6379
ENV
echo "PostgreSQL and Redis ready: $(tr '\n' ' ' < target/ci-services.env)"

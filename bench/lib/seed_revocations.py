"""Adds N revoked, unexpired token ids to a stopped auth-server's SQLite database, as if
N logouts had happened: the server loads them into its in-memory revocation state at
start-up. The ids are random UUIDs generated inside SQLite (a million in a few seconds).
Usage: seed_revocations.py DB_PATH N SECONDS_UNTIL_EXPIRY"""
import sqlite3
import sys
import time

path, count, ttl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
expires_at = int(time.time()) + ttl
db = sqlite3.connect(path)
with db:
    db.execute(
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO revocations (kind, key, cutoff, expires_at)
        SELECT 'token',
               lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-' ||
               lower(hex(randomblob(2))) || '-' || lower(hex(randomblob(2))) || '-' ||
               lower(hex(randomblob(6))),
               NULL, ?
        FROM n
        """,
        (count, expires_at),
    )
(loaded,) = db.execute("SELECT count(*) FROM revocations WHERE kind = 'token' AND expires_at = ?", (expires_at,)).fetchone()
db.close()
print(f"seeded {loaded} revoked tokens expiring at {expires_at}")

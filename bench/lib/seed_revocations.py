"""Adds N revoked, unexpired token ids to a stopped auth-server's SQLite database, as if
N logouts had happened: the server loads them into its in-memory revocation state at
start-up. Usage: seed_revocations.py DB_PATH N SECONDS_UNTIL_EXPIRY"""
import sqlite3
import sys
import time
import uuid

path, count, ttl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
expires_at = int(time.time()) + ttl
db = sqlite3.connect(path)
with db:
    db.executemany(
        "INSERT INTO revocations (kind, key, cutoff, expires_at) VALUES ('token', ?, NULL, ?)",
        ((str(uuid.uuid4()), expires_at) for _ in range(count)),
    )
db.close()
print(f"seeded {count} revoked tokens expiring at {expires_at}")

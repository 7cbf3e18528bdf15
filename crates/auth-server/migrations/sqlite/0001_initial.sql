-- Users, sessions (one per login = one refresh-token family), persisted revocations, items.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    email         TEXT,
    mobile        TEXT,
    age           INTEGER,
    birth         TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    refresh_jti  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT,
    ip           TEXT,
    revoked_at   INTEGER
);
CREATE INDEX sessions_by_user ON sessions (user_id, created_at);

CREATE TABLE revocations (
    kind       TEXT    NOT NULL CHECK (kind IN ('token', 'session', 'user')),
    key        TEXT    NOT NULL,
    cutoff     INTEGER,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX revocations_by_expiry ON revocations (expires_at);

CREATE TABLE items (
    name     TEXT    PRIMARY KEY,
    price    REAL    NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE
);

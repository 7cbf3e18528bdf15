-- Account state an admin controls (disabled), whether a session's cookies outlive the
-- browser ("keep me signed in"), and the refresh token a session's last rotation replaced
-- with when it happened: presenting that token again within the reuse grace window gets
-- the same successor instead of revoking the session.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN persistent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN previous_jti TEXT;
ALTER TABLE sessions ADD COLUMN rotated_at INTEGER;

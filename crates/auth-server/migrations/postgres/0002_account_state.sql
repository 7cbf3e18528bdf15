-- Account state an admin controls (disabled), whether a session's cookies outlive the
-- browser ("keep me signed in"), and the refresh token a session's last rotation replaced
-- with when it happened: presenting that token again within the reuse grace window gets
-- the same successor instead of revoking the session.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN persistent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN previous_jti TEXT;
ALTER TABLE sessions ADD COLUMN rotated_at BIGINT;

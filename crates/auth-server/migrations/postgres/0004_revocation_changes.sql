-- When each revocation was last written (Unix seconds, the writer's clock): instances
-- that cannot hear Redis poll for the revocations written since their last poll.
ALTER TABLE revocations ADD COLUMN changed_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX revocations_by_change ON revocations (changed_at);

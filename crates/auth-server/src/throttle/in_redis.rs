//! Login throttling counters in Redis: one sorted set per key (`throttle:<key>` under the
//! deployment prefix) holding the failure times in milliseconds, trimmed to the window
//! and to the limit, expiring with the window. Reads and writes are single atomic
//! pipelines, so every instance sees the same count.

use std::time::Duration;

use redis::pipe;

use crate::redis_client::RedisClient;
use crate::store::StoreError;

/// Failure counters shared through Redis.
pub struct RedisThrottle {
    redis: RedisClient,
    max_failures: u32,
    window: Duration,
}

fn now_ms() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos().div_euclid(1_000_000) as i64
}

impl RedisThrottle {
    /// Allows `max_failures` failures per key within `window`.
    pub fn new(redis: RedisClient, max_failures: u32, window: Duration) -> Self {
        RedisThrottle {
            redis,
            max_failures,
            window,
        }
    }

    fn key(&self, key: &str) -> String {
        self.redis.key(&format!("throttle:{key}"))
    }

    fn window_ms(&self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }

    /// Seconds to wait when any of `keys` is over the limit, `None` when allowed.
    pub async fn retry_after(&self, keys: &[String]) -> Result<Option<u64>, StoreError> {
        let now = now_ms();
        let since = now - self.window_ms();
        let mut p = pipe();
        p.atomic();
        for key in keys {
            let key = self.key(key);
            p.cmd("ZREMRANGEBYSCORE").arg(&key).arg("-inf").arg(since).ignore();
            p.cmd("ZCARD").arg(&key);
            p.cmd("ZRANGE").arg(&key).arg(0).arg(0).arg("WITHSCORES");
        }
        let answers: Vec<redis::Value> = self.redis.pipeline(&p).await?;
        let mut wait: Option<u64> = None;
        for pair in answers.chunks(2) {
            let [count, oldest] = pair else { continue };
            let count: u64 = redis::from_redis_value_ref(count).map_err(|e| StoreError::Unavailable(format!("redis: {e}")))?;
            // ZRANGE .. WITHSCORES: [member, score] of the oldest failure.
            let oldest: Vec<String> = redis::from_redis_value_ref(oldest).map_err(|e| StoreError::Unavailable(format!("redis: {e}")))?;
            if count >= u64::from(self.max_failures)
                && let Some(at) = oldest.get(1).and_then(|score| score.parse::<f64>().ok())
            {
                let left_ms = (at as i64 + self.window_ms() - now).max(0);
                let seconds = (left_ms as u64).div_ceil(1000).max(1);
                wait = Some(wait.map_or(seconds, |w| w.max(seconds)));
            }
        }
        Ok(wait)
    }

    /// Counts a failure against every key.
    pub async fn record_failure(&self, keys: &[String]) -> Result<(), StoreError> {
        let now = now_ms();
        let keep = i64::from(self.max_failures);
        let mut p = pipe();
        p.atomic();
        for key in keys {
            let key = self.key(key);
            let member = format!("{now}-{}", uuid::Uuid::new_v4().simple());
            p.cmd("ZADD").arg(&key).arg(now).arg(member).ignore();
            // Only the newest `max_failures` entries matter.
            p.cmd("ZREMRANGEBYRANK").arg(&key).arg(0).arg(-keep - 1).ignore();
            p.cmd("PEXPIRE").arg(&key).arg(self.window_ms()).ignore();
        }
        let _: () = self.redis.pipeline(&p).await?;
        Ok(())
    }

    /// Clears the count of one key.
    pub async fn reset(&self, key: &str) -> Result<(), StoreError> {
        let _: () = self.redis.query(redis::cmd("DEL").arg(self.key(key))).await?;
        Ok(())
    }
}

//! Throttle counters in Redis, shared by every instance: one sorted set per key
//! (`<namespace><key>` under the deployment prefix) holding event times in milliseconds,
//! trimmed to the window and expiring with it, so Redis holds nothing older than a
//! window. A reservation (check and count) is one Lua script, so two instances cannot
//! both take the last slot.

use std::time::Duration;

use redis::{Script, pipe};

use crate::infra::redis::RedisClient;
use crate::infra::store::StoreError;
use crate::infra::throttle::{Event, Reservation};

/// KEYS[1] is reserved (counted unless at ARGV[3] events), KEYS[2], when given, only
/// peeked at against ARGV[5]. Answers `{reserve_wait, peek_wait}` in milliseconds, -1
/// for "under the limit".
const RESERVE: &str = r"
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local function wait(key, max)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count < max then return -1 end
  local oldest = redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')
  return math.max(tonumber(oldest[2]) + window - now, 0)
end
local reserve_wait = wait(KEYS[1], tonumber(ARGV[3]))
if reserve_wait < 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
end
local peek_wait = -1
if KEYS[2] then peek_wait = wait(KEYS[2], tonumber(ARGV[5])) end
return {reserve_wait, peek_wait}
";

/// Event counters shared through Redis.
pub struct RedisCounters {
    redis: RedisClient,
    namespace: &'static str,
    window: Duration,
    reserve: Script,
}

fn now_ms() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos().div_euclid(1_000_000) as i64
}

/// A wait in milliseconds from the script as whole seconds (at least one), `None` for -1.
fn seconds(wait_ms: i64) -> Option<u64> {
    u64::try_from(wait_ms).ok().map(|ms| ms.div_ceil(1000).max(1))
}

/// A member unique among events of the same millisecond.
fn member(now: i64) -> String {
    format!("{now}-{}", uuid::Uuid::new_v4().simple())
}

impl RedisCounters {
    /// Counts events within `window` under `<prefix><namespace>`.
    pub fn new(redis: RedisClient, namespace: &'static str, window: Duration) -> Self {
        RedisCounters {
            redis,
            namespace,
            window,
            reserve: Script::new(RESERVE),
        }
    }

    fn key(&self, key: &str) -> String {
        self.redis.key(&format!("{}{key}", self.namespace))
    }

    fn window_ms(&self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }

    /// Counts an event for `key` unless it already has `max` (then says how long to wait),
    /// and says whether `peek` is at its own limit, atomically.
    pub async fn reserve(&self, key: &str, max: u32, peek: Option<(&str, u32)>) -> Result<Reservation, StoreError> {
        let now = now_ms();
        let member = member(now);
        let mut invocation = self.reserve.prepare_invoke();
        invocation.key(self.key(key)).arg(now).arg(self.window_ms()).arg(max).arg(&member);
        if let Some((peek_key, peek_max)) = peek {
            invocation.key(self.key(peek_key)).arg(peek_max);
        }
        let (reserve_wait, peek_wait): (i64, i64) = self.redis.script(&invocation).await?;
        let refused_for = seconds(reserve_wait);
        Ok(Reservation {
            counted: refused_for.is_none().then_some(Event::Member(member)),
            refused_for,
            peek_limited_for: seconds(peek_wait),
        })
    }

    /// Counts an event for `key` (keeping the newest `max`, all a limit of `max` needs).
    pub async fn add(&self, key: &str, max: u32) -> Result<(), StoreError> {
        let now = now_ms();
        let key = self.key(key);
        let mut p = pipe();
        p.atomic();
        p.cmd("ZADD").arg(&key).arg(now).arg(member(now)).ignore();
        p.cmd("ZREMRANGEBYRANK").arg(&key).arg(0).arg(-i64::from(max) - 1).ignore();
        p.cmd("PEXPIRE").arg(&key).arg(self.window_ms()).ignore();
        let _: () = self.redis.pipeline(&p).await?;
        Ok(())
    }

    /// Takes back the event `member` of `key`.
    pub async fn release(&self, key: &str, member: &str) -> Result<(), StoreError> {
        let _: () = self.redis.query(redis::cmd("ZREM").arg(self.key(key)).arg(member)).await?;
        Ok(())
    }

    /// Forgets the events of `key`.
    pub async fn clear(&self, key: &str) -> Result<(), StoreError> {
        let _: () = self.redis.query(redis::cmd("DEL").arg(self.key(key))).await?;
        Ok(())
    }
}

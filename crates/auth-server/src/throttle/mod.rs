//! Login throttling: failed attempts counted per username and per client IP in a sliding
//! window; past the limit, logins answer 429 with `Retry-After`, whether or not the user
//! exists. A success clears the username's count. The counters live in process memory,
//! or in Redis when `AUTH_REDIS_URL` is set so every instance counts the same attempts.

mod in_memory;
mod in_redis;

pub use in_memory::MemoryThrottle;
pub use in_redis::RedisThrottle;

use std::time::Duration;

use crate::redis_client::RedisClient;
use crate::store::StoreError;

/// The configured counters.
pub enum LoginThrottle {
    /// In this process.
    Memory(MemoryThrottle),
    /// In Redis, shared by every instance.
    Redis(RedisThrottle),
}

impl LoginThrottle {
    /// `max_failures` per key within `window`, in Redis when a client is given.
    pub fn new(max_failures: u32, window: Duration, redis: Option<RedisClient>) -> Self {
        match redis {
            Some(client) => LoginThrottle::Redis(RedisThrottle::new(client, max_failures, window)),
            None => LoginThrottle::Memory(MemoryThrottle::new(max_failures, window)),
        }
    }

    /// Seconds to wait when any of `keys` is over the limit, `None` when allowed.
    pub async fn retry_after(&self, keys: &[String]) -> Result<Option<u64>, StoreError> {
        match self {
            LoginThrottle::Memory(t) => Ok(t.retry_after(keys)),
            LoginThrottle::Redis(t) => t.retry_after(keys).await,
        }
    }

    /// Counts a failure against every key.
    pub async fn record_failure(&self, keys: &[String]) -> Result<(), StoreError> {
        match self {
            LoginThrottle::Memory(t) => {
                t.record_failure(keys);
                Ok(())
            }
            LoginThrottle::Redis(t) => t.record_failure(keys).await,
        }
    }

    /// Clears the count of one key (the username, after a successful login).
    pub async fn reset(&self, key: &str) -> Result<(), StoreError> {
        match self {
            LoginThrottle::Memory(t) => {
                t.reset(key);
                Ok(())
            }
            LoginThrottle::Redis(t) => t.reset(key).await,
        }
    }
}

//! Login throttling counters in process memory (one instance, or instances without
//! Redis, each counting on its own).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// In-process failure counters.
pub struct MemoryThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl MemoryThrottle {
    /// Allows `max_failures` failures per key within `window`.
    pub fn new(max_failures: u32, window: Duration) -> Self {
        MemoryThrottle {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait when any of `keys` is over the limit, `None` when allowed.
    pub fn retry_after(&self, keys: &[String]) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        keys.iter()
            .filter_map(|key| {
                let attempts = map.get_mut(key)?;
                while attempts.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
                    attempts.pop_front();
                }
                if attempts.len() as u32 >= self.max_failures {
                    let oldest = *attempts.front()?;
                    Some((self.window.saturating_sub(now.duration_since(oldest))).as_secs().max(1))
                } else {
                    None
                }
            })
            .max()
    }

    /// Counts a failure against every key.
    pub fn record_failure(&self, keys: &[String]) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            let attempts = map.entry(key.clone()).or_default();
            attempts.push_back(now);
            while attempts.len() > self.max_failures as usize {
                attempts.pop_front();
            }
        }
    }

    /// Clears the count of one key (the username, after a successful login).
    pub fn reset(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_resets_on_success() {
        let t = MemoryThrottle::new(2, Duration::from_secs(60));
        let keys = vec!["user:alice".to_string(), "ip:1.2.3.4".to_string()];
        assert_eq!(t.retry_after(&keys), None);
        t.record_failure(&keys);
        assert_eq!(t.retry_after(&keys), None);
        t.record_failure(&keys);
        let wait = t.retry_after(&keys).unwrap();
        assert!((1..=60).contains(&wait));
        t.reset("user:alice");
        // The IP is still over the limit.
        assert!(t.retry_after(&keys).is_some());
        assert_eq!(t.retry_after(&["user:alice".to_string()]), None);
    }
}

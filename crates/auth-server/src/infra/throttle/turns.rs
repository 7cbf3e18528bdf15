//! One password check at a time per account (and per address over its limit): a
//! per-key async lock, so concurrent guesses against one account are verified one after
//! another instead of all at once. The map holds only keys someone holds or waits for.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

type Locks = Arc<Mutex<HashMap<String, Arc<AsyncMutex<()>>>>>;

/// Per-key turns.
#[derive(Default)]
pub struct Turns {
    locks: Locks,
}

/// The turn of one key, held until dropped (waiting for it counts as holding: a waiter
/// that gives up cleans up the same way).
pub struct Turn {
    locks: Locks,
    key: String,
    lock: Arc<AsyncMutex<()>>,
    guard: Option<OwnedMutexGuard<()>>,
}

impl Turns {
    /// Waits until no one else holds `key`'s turn, and takes it.
    pub async fn take(&self, key: &str) -> Turn {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
            locks.entry(key.to_string()).or_default().clone()
        };
        let mut turn = Turn {
            locks: self.locks.clone(),
            key: key.to_string(),
            lock,
            guard: None,
        };
        turn.guard = Some(turn.lock.clone().lock_owned().await);
        turn
    }

    /// How many keys are held or waited for.
    pub fn len(&self) -> usize {
        self.locks.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no key is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        self.guard = None;
        // The map's handle and ours: nobody else holds or waits for this key.
        if Arc::strong_count(&self.lock) == 2 {
            locks.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn one_holder_per_key_and_nothing_left_behind() {
        let turns = Turns::default();
        let first = turns.take("user:alice").await;
        let other = turns.take("user:bob").await;
        assert!(
            tokio::time::timeout(Duration::from_millis(50), turns.take("user:alice"))
                .await
                .is_err(),
            "a second turn on the same key waits"
        );
        drop(first);
        // The waiter that gave up left nothing behind either.
        assert_eq!(turns.len(), 1);
        let again = turns.take("user:alice").await;
        assert_eq!(turns.len(), 2);
        drop((again, other));
        assert!(turns.is_empty());
    }
}

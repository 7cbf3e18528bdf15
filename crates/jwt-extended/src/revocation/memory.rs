//! The in-process revocation state: three maps behind read-write locks. Lookups on the
//! request path take read locks only; `jti`s that are UUIDs are stored as 16-byte
//! integers, so a million revoked tokens cost tens of megabytes, not hundreds.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;

use async_trait::async_trait;

use super::{Consumption, RevocationCheck, RevocationError, RevocationStore};
use crate::claims::DecodedToken;
use crate::compact_id::CompactId;
use crate::manager::unix_now;

/// `expires_at` as stored: `i64::MAX` for "never".
type Expiry = i64;

#[derive(Debug)]
struct ExpiringSet<K> {
    entries: RwLock<HashMap<K, Expiry>>,
}

impl<K> Default for ExpiringSet<K> {
    fn default() -> Self {
        ExpiringSet {
            entries: RwLock::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash> ExpiringSet<K> {
    /// Whether `key` is in the set and unexpired at `now()`, which is read only then.
    fn contains(&self, key: &K, now: impl FnOnce() -> i64) -> bool {
        let expiry = self.entries.read().unwrap_or_else(|e| e.into_inner()).get(key).copied();
        expiry.is_some_and(|exp| exp >= now())
    }

    fn insert(&self, key: K, exp: Expiry) -> bool {
        let mut map = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let fresh = !map.contains_key(&key);
        let slot = map.entry(key).or_insert(exp);
        *slot = (*slot).max(exp);
        fresh
    }

    fn prune(&self, now: i64) -> usize {
        let mut map = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let before = map.len();
        map.retain(|_, exp| *exp >= now);
        // Give the memory back once most entries are gone (a burst of revocations that has
        // expired), rather than keeping the table sized for the peak forever.
        if map.capacity() > 64 && map.len() < map.capacity() / 4 {
            map.shrink_to_fit();
        }
        before - map.len()
    }

    fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Revoked tokens, sessions and user cut-offs, in memory. Entries disappear once the
/// tokens they block would have expired anyway ([`Self::prune`], or a background task
/// started by [`Self::spawn_pruner`]).
///
/// ```
/// use jwt_extended::{InMemoryRevocationStore, RevocationStore};
/// # tokio_test_block_on(async {
/// let store = InMemoryRevocationStore::new();
/// store.revoke_token("a8098c1a-f86e-11da-bd1a-00112444be1e", Some(i64::MAX)).await.unwrap();
/// assert_eq!(store.len(), 1);
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Debug, Default)]
pub struct InMemoryRevocationStore {
    tokens: ExpiringSet<CompactId>,
    sessions: ExpiringSet<CompactId>,
    consumed: ExpiringSet<CompactId>,
    /// identity → (cut-off, expiry of the entry)
    users: RwLock<HashMap<Box<str>, (i64, Expiry)>>,
}

impl InMemoryRevocationStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries held (tokens, sessions, consumed refresh tokens, user cut-offs).
    pub fn len(&self) -> usize {
        self.tokens.len() + self.sessions.len() + self.consumed.len() + self.users.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops entries whose blocked tokens have expired. Returns how many were dropped.
    pub fn prune(&self) -> usize {
        self.prune_at(unix_now() as i64)
    }

    fn prune_at(&self, now: i64) -> usize {
        let mut users = self.users.write().unwrap_or_else(|e| e.into_inner());
        let before = users.len();
        users.retain(|_, (_, exp)| *exp >= now);
        let dropped_users = before - users.len();
        drop(users);
        self.tokens.prune(now) + self.sessions.prune(now) + self.consumed.prune(now) + dropped_users
    }

    /// Prunes every `interval` on the Tokio runtime until the store is dropped.
    pub fn spawn_pruner(self: &std::sync::Arc<Self>, interval: std::time::Duration) -> tokio::task::JoinHandle<()> {
        let weak = std::sync::Arc::downgrade(self);
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.tick().await;
            loop {
                ticker.tick().await;
                match weak.upgrade() {
                    Some(store) => {
                        store.prune();
                    }
                    None => break,
                }
            }
        })
    }

    /// Whether this token is blocked, answered synchronously (no I/O happens here).
    pub fn is_revoked_now(&self, token: &DecodedToken) -> bool {
        // The clock is read only for an entry found: most tokens have none.
        let now = || unix_now() as i64;
        let claims = &token.claims;
        let ids = claims.compact_ids();
        if ids.token.as_ref().is_some_and(|jti| self.tokens.contains(jti, now)) {
            return true;
        }
        if ids.session.as_ref().is_some_and(|sid| self.sessions.contains(sid, now)) {
            return true;
        }
        let users = self.users.read().unwrap_or_else(|e| e.into_inner());
        if users.is_empty() {
            return false;
        }
        let found = match claims.identity() {
            serde_json::Value::String(identity) => users.get(identity.as_str()),
            other => users.get(other.to_string().as_str()),
        };
        match found {
            Some(&(cutoff, exp)) => exp >= now() && claims.issued_at().is_none_or(|iat| iat <= cutoff),
            None => false,
        }
    }
}

fn expiry(expires_at: Option<i64>) -> Expiry {
    expires_at.unwrap_or(i64::MAX)
}

#[async_trait]
impl RevocationCheck for InMemoryRevocationStore {
    async fn is_revoked(&self, token: &DecodedToken) -> Result<bool, RevocationError> {
        Ok(self.is_revoked_now(token))
    }

    fn is_revoked_immediately(&self, token: &DecodedToken) -> Option<Result<bool, RevocationError>> {
        Some(Ok(self.is_revoked_now(token)))
    }
}

#[async_trait]
impl RevocationStore for InMemoryRevocationStore {
    async fn revoke_token(&self, jti: &str, expires_at: Option<i64>) -> Result<(), RevocationError> {
        self.tokens.insert(CompactId::new(jti), expiry(expires_at));
        Ok(())
    }

    async fn revoke_session(&self, session_id: &str, expires_at: Option<i64>) -> Result<(), RevocationError> {
        self.sessions.insert(CompactId::new(session_id), expiry(expires_at));
        Ok(())
    }

    async fn revoke_user_before(&self, identity: &str, cutoff: i64, expires_at: Option<i64>) -> Result<(), RevocationError> {
        let mut users = self.users.write().unwrap_or_else(|e| e.into_inner());
        let entry = users.entry(identity.into()).or_insert((cutoff, expiry(expires_at)));
        entry.0 = entry.0.max(cutoff);
        entry.1 = entry.1.max(expiry(expires_at));
        Ok(())
    }

    async fn consume_refresh_token(&self, jti: &str, expires_at: Option<i64>) -> Result<Consumption, RevocationError> {
        if self.consumed.insert(CompactId::new(jti), expiry(expires_at)) {
            Ok(Consumption::First)
        } else {
            Ok(Consumption::Reused)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_are_pruned_after_expiry() {
        let store = InMemoryRevocationStore::new();
        store.revoke_token("a", Some(100)).await.unwrap();
        store.revoke_session("b", Some(200)).await.unwrap();
        store.revoke_user_before("u", 50, Some(150)).await.unwrap();
        assert_eq!(store.consume_refresh_token("c", Some(300)).await.unwrap(), Consumption::First);
        assert_eq!(store.consume_refresh_token("c", Some(300)).await.unwrap(), Consumption::Reused);
        assert_eq!(store.len(), 4);
        assert_eq!(store.prune_at(120), 1);
        assert_eq!(store.prune_at(160), 1);
        assert_eq!(store.prune_at(250), 1);
        assert_eq!(store.prune_at(301), 1);
        assert!(store.is_empty());
    }

    #[tokio::test]
    async fn the_immediate_answer_is_the_awaited_one() {
        let jwt = crate::JwtManager::builder()
            .secret("a-secret-of-at-least-thirty-two-bytes!")
            .build()
            .unwrap();
        let issue = |user: &str, session: &str| {
            let token = jwt.access_token(user).session(session).issue().unwrap().token;
            jwt.decode_token(&token).unwrap()
        };
        let tokens = [issue("alice", "s1"), issue("bob", "s2"), issue("carol", "s3"), issue("dave", "s4")];
        let store = InMemoryRevocationStore::new();
        let far = Some(i64::MAX);
        store.revoke_token(tokens[0].claims.jti().unwrap(), far).await.unwrap();
        store.revoke_session("s2", far).await.unwrap();
        store.revoke_user_before("carol", i64::MAX - 1, far).await.unwrap();
        let mut revoked = Vec::new();
        for token in &tokens {
            let awaited = store.is_revoked(token).await.unwrap();
            assert_eq!(store.is_revoked_immediately(token).map(Result::unwrap), Some(awaited));
            revoked.push(awaited);
        }
        assert_eq!(revoked, [true, true, true, false]);
    }
}

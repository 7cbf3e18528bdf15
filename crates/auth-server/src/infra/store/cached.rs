//! A short-lived, shared user cache in Redis in front of the database (`AUTH_REDIS_URL`):
//! `user_by_id` and `user_by_username` read through it, every other method goes straight
//! to the wrapped store. Several instances share it, so every write that changes a user
//! invalidates that user's entries for all of them.
//!
//! Keys (under the deployment's Redis prefix): `ucache:id:<id>` and `ucache:name:<canonical username>`,
//! each holding the user as JSON for [`TTL`]. The JSON includes the password hash: keep the
//! Redis private (and the prefix unshared) — the short TTL only bounds how long it stays.
//!
//! Invalidation writes a tombstone (for [`TOMBSTONE_TTL`], during which the user is read
//! from the database) instead of deleting, and cache fills use `SET NX`, so a read that
//! fetched the old row before a write cannot put it back afterwards. `update_user`,
//! `set_password_hash` and `delete_user` set the tombstones *before* the database write (a
//! failure there answers unavailable with nothing written) and again after it (a failure
//! there is only logged: the first tombstones still block the stale entry); `create_user`
//! deletes live entries under the new keys afterwards (misses are never cached).
//!
//! The remaining race window: a read that fetched the old row before the write but fills
//! more than [`TOMBSTONE_TTL`] after the first tombstone (slower than the default 30 s
//! request deadline), or a database write taking longer than that (statements are capped
//! at 5 s), can leave a stale entry for at most [`TTL`].
//!
//! Redis failing on a read is never a failure cause: the read falls back to the database.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{
    DynStore, Item, NewItem, NewSession, NewUser, RevocationRecord, Role, RotateOutcome, Rotation, Session, Store, StoreError, User,
    UserUpdate,
};
use crate::infra::redis::RedisClient;

/// How long a cached user is served without asking the database.
pub const TTL: Duration = Duration::from_secs(30);
/// How long an invalidated key refuses to be filled again (longer than the request deadline).
pub const TOMBSTONE_TTL: Duration = Duration::from_secs(60);
/// The value of an invalidated key (never valid JSON of a user).
const TOMBSTONE: &str = "-";

/// The cached form of a [`User`] (serde's remote derive: `User` itself is not
/// serialisable, so the API can never serialise a password hash by accident).
#[derive(Serialize, Deserialize)]
#[serde(remote = "User")]
struct CachedUser {
    id: i64,
    username: String,
    password_hash: String,
    role: Role,
    email: Option<String>,
    mobile: Option<String>,
    age: Option<i64>,
    birth: Option<String>,
    disabled: bool,
    created_at: i64,
    updated_at: i64,
}

fn to_json(user: &User) -> Option<String> {
    let mut json = Vec::new();
    CachedUser::serialize(user, &mut serde_json::Serializer::new(&mut json)).ok()?;
    String::from_utf8(json).ok()
}

fn from_json(json: &str) -> Option<User> {
    CachedUser::deserialize(&mut serde_json::Deserializer::from_str(json)).ok()
}

/// Deletes each of KEYS unless it holds the tombstone ARGV[1].
const FORGET_LUA: &str = r"
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) ~= ARGV[1] then redis.call('DEL', key) end
end
return #KEYS
";

/// A [`Store`] whose user lookups go through Redis.
pub struct CachedStore {
    inner: DynStore,
    redis: RedisClient,
    forget: redis::Script,
}

impl CachedStore {
    /// `inner` with its user lookups cached in `redis`.
    pub fn new(inner: DynStore, redis: RedisClient) -> Self {
        CachedStore {
            inner,
            redis,
            forget: redis::Script::new(FORGET_LUA),
        }
    }

    fn id_key(&self, id: i64) -> String {
        self.redis.key(&format!("ucache:id:{id}"))
    }

    /// By canonical username, as the database looks users up: every spelling of a name
    /// shares one entry, and one tombstone covers them all.
    fn name_key(&self, username: &str) -> String {
        let key = crate::infra::usernames::username_key(username);
        self.redis.key(&format!("ucache:name:{key}"))
    }

    /// The cached user under `key`; `None` on a miss, a tombstone or any Redis error.
    async fn cached(&self, key: &str) -> Option<User> {
        match self.redis.query::<Option<String>>(redis::cmd("GET").arg(key)).await {
            Ok(Some(json)) => from_json(&json),
            Ok(None) => None,
            Err(e) => {
                tracing::debug!(error = %e, "user cache unavailable, reading the database");
                None
            }
        }
    }

    /// Caches `user` under both keys unless a key holds a tombstone (or any entry); errors ignored.
    async fn fill(&self, user: &User) {
        let Some(json) = to_json(user) else {
            return;
        };
        let mut pipe = redis::pipe();
        for key in [self.id_key(user.id), self.name_key(&user.username)] {
            pipe.cmd("SET").arg(key).arg(&json).arg("NX").arg("EX").arg(TTL.as_secs()).ignore();
        }
        if let Err(e) = self.redis.pipeline::<()>(&pipe).await {
            tracing::debug!(error = %e, "could not fill the user cache");
        }
    }

    /// Tombstones the entries of the user with `id` and/or `username`.
    async fn invalidate(&self, id: Option<i64>, username: Option<&str>) -> Result<(), StoreError> {
        let keys = id.map(|id| self.id_key(id)).into_iter().chain(username.map(|u| self.name_key(u)));
        let mut pipe = redis::pipe();
        for key in keys {
            pipe.cmd("SET")
                .arg(key)
                .arg(TOMBSTONE)
                .arg("EX")
                .arg(TOMBSTONE_TTL.as_secs())
                .ignore();
        }
        self.redis.pipeline::<()>(&pipe).await
    }

    /// Tombstones like [`Self::invalidate`], a failure only logged (after a committed write
    /// the tombstones set before it still hold).
    async fn invalidate_after(&self, id: Option<i64>, username: Option<&str>) {
        if let Err(e) = self.invalidate(id, username).await {
            tracing::warn!(error = %e, "user cache invalidation after a write failed (the tombstones set before it still hold)");
        }
    }

    /// Tombstones the entries of user `id` before a write (learning its username from the
    /// database); returns the username.
    async fn invalidate_before(&self, id: i64) -> Result<Option<String>, StoreError> {
        let username = self.inner.user_by_id(id).await?.map(|u| u.username);
        self.invalidate(Some(id), username.as_deref()).await?;
        Ok(username)
    }
}

#[async_trait]
impl Store for CachedStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    async fn create_user(&self, user: NewUser) -> Result<User, StoreError> {
        // Misses are not cached, so nothing needs blocking before; afterwards, live entries
        // under the new keys (a slow fill of a deleted namesake) go, while tombstones stay
        // (a new user is cacheable at once: it is the most likely to be read next).
        let created = self.inner.create_user(user).await?;
        let keys = [self.id_key(created.id), self.name_key(&created.username)];
        let mut forget = self.forget.key(&keys);
        forget.arg(TOMBSTONE);
        if let Err(e) = self.redis.script::<i64>(&forget).await {
            tracing::warn!(error = %e, "user cache invalidation after creating a user failed");
        }
        Ok(created)
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        if let Some(user) = self.cached(&self.id_key(id)).await {
            return Ok(Some(user));
        }
        let user = self.inner.user_by_id(id).await?;
        if let Some(user) = &user {
            self.fill(user).await;
        }
        Ok(user)
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        if let Some(user) = self.cached(&self.name_key(username)).await {
            return Ok(Some(user));
        }
        let user = self.inner.user_by_username(username).await?;
        if let Some(user) = &user {
            self.fill(user).await;
        }
        Ok(user)
    }

    async fn list_users(&self, after: Option<i64>, limit: u32, search: Option<&str>) -> Result<Vec<User>, StoreError> {
        self.inner.list_users(after, limit, search).await
    }

    async fn update_user(&self, id: i64, update: UserUpdate) -> Result<Option<User>, StoreError> {
        let username = self.invalidate_before(id).await?;
        let user = self.inner.update_user(id, update).await?;
        self.invalidate_after(Some(id), username.as_deref()).await;
        Ok(user)
    }

    async fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), StoreError> {
        let username = self.invalidate_before(id).await?;
        self.inner.set_password_hash(id, password_hash).await?;
        self.invalidate_after(Some(id), username.as_deref()).await;
        Ok(())
    }

    async fn delete_user(&self, id: i64) -> Result<bool, StoreError> {
        let username = self.invalidate_before(id).await?;
        let deleted = self.inner.delete_user(id).await?;
        self.invalidate_after(Some(id), username.as_deref()).await;
        Ok(deleted)
    }

    async fn create_session(&self, session: NewSession) -> Result<Session, StoreError> {
        self.inner.create_session(session).await
    }

    async fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        self.inner.session(id).await
    }

    async fn active_sessions(&self, user_id: i64, now: i64) -> Result<Vec<Session>, StoreError> {
        self.inner.active_sessions(user_id, now).await
    }

    async fn rotate_session(&self, rotation: Rotation) -> Result<RotateOutcome, StoreError> {
        self.inner.rotate_session(rotation).await
    }

    async fn revoke_session(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        self.inner.revoke_session(id, now).await
    }

    async fn revoke_user_sessions(&self, user_id: i64, keep: Option<&str>, now: i64) -> Result<Vec<Session>, StoreError> {
        self.inner.revoke_user_sessions(user_id, keep, now).await
    }

    async fn add_revocation(&self, record: RevocationRecord) -> Result<(), StoreError> {
        self.inner.add_revocation(record).await
    }

    async fn load_revocations(&self, now: i64) -> Result<Vec<RevocationRecord>, StoreError> {
        self.inner.load_revocations(now).await
    }

    async fn revocations_changed_since(&self, since: i64) -> Result<Vec<RevocationRecord>, StoreError> {
        self.inner.revocations_changed_since(since).await
    }

    async fn prune(&self, now: i64) -> Result<u64, StoreError> {
        self.inner.prune(now).await
    }

    async fn list_items(&self) -> Result<Vec<Item>, StoreError> {
        self.inner.list_items().await
    }

    async fn create_item(&self, item: NewItem) -> Result<Item, StoreError> {
        self.inner.create_item(item).await
    }

    async fn delete_item(&self, name: &str) -> Result<bool, StoreError> {
        self.inner.delete_item(name).await
    }
}

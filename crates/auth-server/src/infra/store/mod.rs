//! Persistence behind one trait, so the embedded SQLite default and the PostgreSQL
//! backend for scale-out deployments are interchangeable. Every method that returns
//! `Ok` has made its write durable (committed) before returning.

pub mod cached;
mod group_commit;
mod model;
pub mod postgres;
mod rows;
mod sql;
pub mod sqlite;
#[cfg(test)]
mod tests;

pub use model::{
    Item, NewItem, NewSession, NewUser, RevocationKind, RevocationRecord, Role, RotateOutcome, Rotation, Session, Successor, User,
    UserUpdate,
};

use std::sync::Arc;

use async_trait::async_trait;

/// Why a store operation failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness constraint refused the write (username or item name taken).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The database could not be reached or answered with an error.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

/// A unique-constraint violation as [`StoreError::Conflict`] about `what`; any other error
/// as unavailable.
fn conflict_on_unique(e: sqlx::Error, what: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
        _ => e.into(),
    }
}

/// Shared handle to whichever backend was configured.
pub type DynStore = Arc<dyn Store>;

/// Users, sessions, the persisted revocation list and the demo items.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database is reachable (`/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Creates a user; [`StoreError::Conflict`] when the username is taken.
    async fn create_user(&self, user: NewUser) -> Result<User, StoreError>;
    /// One user by id.
    async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError>;
    /// One user by username.
    async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError>;
    /// Users with `id > after`, ascending, at most `limit` (cursor paging); with `search`,
    /// only those whose username contains it, ignoring case.
    async fn list_users(&self, after: Option<i64>, limit: u32, search: Option<&str>) -> Result<Vec<User>, StoreError>;
    /// Applies the present fields; `None` when the user does not exist.
    async fn update_user(&self, id: i64, update: UserUpdate) -> Result<Option<User>, StoreError>;
    /// Replaces the password hash.
    async fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), StoreError>;
    /// Deletes the user with its sessions and items; `false` when it did not exist.
    async fn delete_user(&self, id: i64) -> Result<bool, StoreError>;

    /// Records a login.
    async fn create_session(&self, session: NewSession) -> Result<Session, StoreError>;
    /// One session by id.
    async fn session(&self, id: &str) -> Result<Option<Session>, StoreError>;
    /// Sessions of a user neither revoked nor expired at `now`, newest first.
    async fn active_sessions(&self, user_id: i64, now: i64) -> Result<Vec<Session>, StoreError>;
    /// Atomically replaces the session's current refresh `jti`: exactly one of several
    /// concurrent calls presenting the same [`Rotation::presented_jti`] gets
    /// [`RotateOutcome::Rotated`].
    async fn rotate_session(&self, rotation: Rotation) -> Result<RotateOutcome, StoreError>;
    /// Revokes one session; `false` when it was unknown or already revoked.
    async fn revoke_session(&self, id: &str, now: i64) -> Result<bool, StoreError>;
    /// Revokes every active session of the user except `keep`; returns the revoked ones.
    async fn revoke_user_sessions(&self, user_id: i64, keep: Option<&str>, now: i64) -> Result<Vec<Session>, StoreError>;

    /// Persists a revocation before it is acknowledged.
    async fn add_revocation(&self, record: RevocationRecord) -> Result<(), StoreError>;
    /// Revocations still in force at `now` (loaded into memory at start-up).
    async fn load_revocations(&self, now: i64) -> Result<Vec<RevocationRecord>, StoreError>;
    /// Revocations written at or after `since` (Unix seconds, the writers' clocks): what
    /// an instance that cannot hear Redis polls for (`infra/revocation/synced.rs`).
    async fn revocations_changed_since(&self, since: i64) -> Result<Vec<RevocationRecord>, StoreError>;
    /// Deletes revocations and sessions whose tokens have all expired; returns how many.
    async fn prune(&self, now: i64) -> Result<u64, StoreError>;

    /// All items.
    async fn list_items(&self) -> Result<Vec<Item>, StoreError>;
    /// Creates an item; [`StoreError::Conflict`] when the name exists.
    async fn create_item(&self, item: NewItem) -> Result<Item, StoreError>;
    /// Deletes an item by name; `false` when it did not exist.
    async fn delete_item(&self, name: &str) -> Result<bool, StoreError>;
}

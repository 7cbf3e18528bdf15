//! The server's revocation state, one trait over two mirrors: every revocation is written
//! to the database first (so nothing acknowledged is lost), then to a mirror in process
//! memory that answers the check on every protected request without a round trip. Alone,
//! the mirror is loaded at start-up; with `AUTH_REDIS_URL` it is also kept current from
//! the other instances' revocations (the Redis channel, and a poll of the database when a
//! message may have been missed: `synced.rs`).

mod bus;
mod in_memory;
mod sync;
mod synced;

pub use in_memory::MemoryMirror;
pub use synced::{SyncState, SyncedMirror};

use std::sync::Arc;

use async_trait::async_trait;
use jwt_extended::{Consumption, DecodedToken, RevocationCheck, RevocationError, RevocationStore};

use crate::infra::redis::RedisClient;
use crate::infra::store::{DynStore, RevocationKind, RevocationRecord, StoreError};

/// What the handlers, the pruner and `/readyz` need of the revocation state.
#[async_trait]
pub trait Revocations: RevocationStore {
    /// Drops entries whose blocked tokens have all expired (database and mirror).
    async fn prune(&self) -> Result<u64, StoreError>;
    /// Answers when the mirror may answer checks (synchronised); always `Ok` alone.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// The configured revocation state.
pub type DynRevocations = Arc<dyn Revocations>;

/// Where revocations are looked up on the hot path.
#[async_trait]
pub trait Mirror: Send + Sync + 'static {
    /// Adds one persisted revocation.
    async fn apply(&self, record: &RevocationRecord) -> Result<(), StoreError>;
    /// Whether `token` is blocked.
    async fn check(&self, token: &DecodedToken) -> Result<bool, StoreError>;
    /// [`Self::check`]'s answer without waiting, when the mirror has it at hand (see
    /// `RevocationCheck::is_revoked_immediately`); `None` means "await `check`".
    fn check_now(&self, token: &DecodedToken) -> Option<Result<bool, StoreError>> {
        let _ = token;
        None
    }
    /// Drops expired entries.
    fn prune(&self) {}
    /// How many entries it holds, when that is known cheaply (memory).
    fn size(&self) -> Option<usize> {
        None
    }
    /// Answers when the backing service does.
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Database-first revocations with a mirror for the checks.
pub struct Persistent<M> {
    mirror: M,
    store: DynStore,
}

/// The default: a mirror in process memory, loaded from the database at start-up.
pub type PersistentRevocations = Persistent<MemoryMirror>;
/// The scale-out variant: a mirror in memory kept current through Redis and the database.
pub type SyncedRevocations = Persistent<SyncedMirror>;

/// The revocation state for these settings: synchronised through Redis when a client is
/// given (the database polled every `poll_interval`), loaded once otherwise.
pub async fn connect(
    store: DynStore,
    redis: Option<RedisClient>,
    poll_interval: std::time::Duration,
) -> Result<DynRevocations, StoreError> {
    Ok(match redis {
        Some(client) => {
            let mirror = SyncedMirror::start(client, store.clone(), poll_interval).await?;
            let revocations = Persistent::new(mirror, store);
            revocations.report_size();
            Arc::new(revocations)
        }
        None => Arc::new(PersistentRevocations::load(store).await?),
    })
}

fn unavailable(e: StoreError) -> RevocationError {
    RevocationError(e.to_string())
}

impl<M: Mirror> Persistent<M> {
    /// Revocations written to `store`, checked in `mirror`.
    pub fn new(mirror: M, store: DynStore) -> Self {
        Persistent { mirror, store }
    }

    async fn persist(&self, kind: RevocationKind, key: &str, cutoff: Option<i64>, expires_at: Option<i64>) -> Result<(), RevocationError> {
        let record = RevocationRecord {
            kind,
            key: key.to_string(),
            cutoff,
            expires_at: expires_at.unwrap_or(i64::MAX),
        };
        self.store.add_revocation(record.clone()).await.map_err(unavailable)?;
        self.mirror.apply(&record).await.map_err(unavailable)?;
        metrics::counter!(crate::telemetry::metrics::REVOCATIONS, "kind" => record.kind.as_str()).increment(1);
        self.report_size();
        Ok(())
    }

    /// Publishes the mirror's size (the benchmark watches pruning through it).
    fn report_size(&self) {
        if let Some(entries) = self.mirror.size() {
            metrics::gauge!(crate::telemetry::metrics::REVOCATION_ENTRIES).set(entries as f64);
        }
    }
}

impl PersistentRevocations {
    /// Loads every revocation still in force from the database into memory.
    pub async fn load(store: DynStore) -> Result<Self, StoreError> {
        let mirror = MemoryMirror::default();
        for record in store.load_revocations(crate::infra::clock::now()).await? {
            mirror.apply(&record).await?;
        }
        let revocations = Persistent::new(mirror, store);
        revocations.report_size();
        Ok(revocations)
    }

    /// Number of revocations held in memory.
    pub fn len(&self) -> usize {
        self.mirror.size().unwrap_or_default()
    }

    /// Whether nothing is revoked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl<M: Mirror> Revocations for Persistent<M> {
    async fn prune(&self) -> Result<u64, StoreError> {
        self.mirror.prune();
        self.report_size();
        self.store.prune(crate::infra::clock::now()).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.mirror.ping().await
    }
}

#[async_trait]
impl<M: Mirror> RevocationCheck for Persistent<M> {
    async fn is_revoked(&self, token: &DecodedToken) -> Result<bool, RevocationError> {
        self.mirror.check(token).await.map_err(unavailable)
    }

    fn is_revoked_immediately(&self, token: &DecodedToken) -> Option<Result<bool, RevocationError>> {
        self.mirror.check_now(token).map(|answer| answer.map_err(unavailable))
    }
}

#[async_trait]
impl<M: Mirror> RevocationStore for Persistent<M> {
    async fn revoke_token(&self, jti: &str, expires_at: Option<i64>) -> Result<(), RevocationError> {
        self.persist(RevocationKind::Token, jti, None, expires_at).await
    }

    async fn revoke_session(&self, session_id: &str, expires_at: Option<i64>) -> Result<(), RevocationError> {
        self.persist(RevocationKind::Session, session_id, None, expires_at).await
    }

    async fn revoke_user_before(&self, identity: &str, cutoff: i64, expires_at: Option<i64>) -> Result<(), RevocationError> {
        self.persist(RevocationKind::User, identity, Some(cutoff), expires_at).await
    }

    async fn consume_refresh_token(&self, _jti: &str, _expires_at: Option<i64>) -> Result<Consumption, RevocationError> {
        // Rotation is decided by the session row's compare-and-swap (Store::rotate_session),
        // which is durable and atomic across instances; this path is not used.
        Err(RevocationError("refresh rotation goes through Store::rotate_session".into()))
    }
}

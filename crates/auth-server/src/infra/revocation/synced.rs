//! The revocation mirror of a deployment with Redis: each instance holds every revocation
//! in its own memory, so a check costs no round trip, and keeps it current from two
//! sources (`sync.rs`): the Redis channel (`bus.rs`), which brings a revocation made on
//! another instance within a Redis round trip, and PostgreSQL, the source of truth, polled
//! every `AUTH_REVOCATION_POLL_INTERVAL` for what a lost message or a failed publish
//! would otherwise hide. A check is answered only while one of the two vouches for the
//! view ([`Freshness`]); otherwise it fails closed with 503.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use jwt_extended::DecodedToken;

use crate::infra::redis::RedisClient;
use crate::infra::revocation::bus::{Bus, Event};
use crate::infra::revocation::{MemoryMirror, Mirror};
use crate::infra::store::{DynStore, RevocationRecord, StoreError};

/// Longest a PostgreSQL poll or reload may take before it counts as failed.
pub const SOURCE_TIMEOUT: Duration = Duration::from_secs(2);

/// What vouches for the in-memory view right now (the `auth_revocation_sync` gauge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncState {
    /// Neither source: checks answer 503.
    Stale = 0,
    /// Only the PostgreSQL poll (Redis down or its channel not synchronised).
    Polling = 1,
    /// The Redis channel, synchronised (the poll runs as well).
    Live = 2,
}

/// Whether the view may answer checks.
pub struct Freshness {
    epoch: Instant,
    /// The subscription is up and the view was synchronised since it (re)connected.
    live: AtomicBool,
    /// When (milliseconds after `epoch`) the last successful read of PostgreSQL started.
    polled_at: AtomicU64,
    /// How old that read may be while the channel is not live.
    stale_after: Duration,
}

impl Freshness {
    /// A view just loaded from PostgreSQL, polled every `poll_interval`.
    fn new(poll_interval: Duration) -> Self {
        Freshness {
            epoch: Instant::now(),
            live: AtomicBool::new(false),
            polled_at: AtomicU64::new(0),
            stale_after: poll_interval + SOURCE_TIMEOUT,
        }
    }

    fn millis(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX)
    }

    /// A read of PostgreSQL that started at `started` has been applied.
    pub fn polled(&self, started: Instant) {
        self.polled_at.fetch_max(self.millis(started), Ordering::SeqCst);
        self.report();
    }

    pub fn set_live(&self, live: bool) {
        self.live.store(live, Ordering::SeqCst);
        self.report();
    }

    pub fn state(&self) -> SyncState {
        if self.live.load(Ordering::SeqCst) {
            return SyncState::Live;
        }
        let age = self.millis(Instant::now()).saturating_sub(self.polled_at.load(Ordering::SeqCst));
        if u128::from(age) <= self.stale_after.as_millis() {
            SyncState::Polling
        } else {
            SyncState::Stale
        }
    }

    pub fn report(&self) {
        metrics::gauge!(crate::telemetry::metrics::REVOCATION_SYNC).set(self.state() as u8 as f64);
    }
}

/// What the mirror and its two sync tasks share.
pub struct Shared {
    pub memory: MemoryMirror,
    pub freshness: Freshness,
    pub bus: Bus,
    pub store: DynStore,
    pub poll_interval: Duration,
    /// A publish failed: the others may have missed a revocation; tell them to reload as
    /// soon as Redis takes messages again.
    pub owes_resync: AtomicBool,
}

impl Shared {
    /// Applies every revocation in force, read from PostgreSQL within [`SOURCE_TIMEOUT`].
    pub async fn reload(&self) -> Result<(), StoreError> {
        let started = Instant::now();
        let records = within_source_timeout(self.store.load_revocations(crate::infra::clock::now())).await?;
        self.apply_all(&records).await;
        self.freshness.polled(started);
        Ok(())
    }

    pub async fn apply_all(&self, records: &[RevocationRecord]) {
        for record in records {
            // The in-memory mirror cannot fail.
            let _ = self.memory.apply(record).await;
        }
    }
}

/// Bounds a read of PostgreSQL.
pub async fn within_source_timeout<T>(read: impl Future<Output = Result<T, StoreError>>) -> Result<T, StoreError> {
    tokio::time::timeout(SOURCE_TIMEOUT, read)
        .await
        .unwrap_or_else(|_| Err(StoreError::Unavailable("revocation sync: the database read timed out".into())))
}

/// The mirror; its sync tasks stop when it is dropped.
pub struct SyncedMirror {
    shared: Arc<Shared>,
    tasks: Vec<tokio::task::AbortHandle>,
}

impl SyncedMirror {
    /// Loads every revocation in force from `store`, then starts following Redis and
    /// polling `store`. Fails when the database cannot be read (as start-up without Redis).
    pub async fn start(redis: RedisClient, store: DynStore, poll_interval: Duration) -> Result<Self, StoreError> {
        let shared = Arc::new(Shared {
            memory: MemoryMirror::default(),
            freshness: Freshness::new(poll_interval),
            bus: Bus::new(redis),
            store,
            poll_interval,
            owes_resync: AtomicBool::new(false),
        });
        shared.reload().await?;
        let tasks = vec![
            tokio::spawn(super::sync::follow_redis(shared.clone())).abort_handle(),
            tokio::spawn(super::sync::poll_database(shared.clone())).abort_handle(),
        ];
        Ok(SyncedMirror { shared, tasks })
    }
}

impl Drop for SyncedMirror {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

#[async_trait]
impl Mirror for SyncedMirror {
    async fn apply(&self, record: &RevocationRecord) -> Result<(), StoreError> {
        // This instance refuses the token at once, whatever happens to the message.
        self.shared.memory.apply(record).await?;
        if let Err(e) = self.shared.bus.publish(&Event::Revoked(record.clone())).await {
            // The revocation is in the database: the others read it at their next poll,
            // and reload everything once Redis carries the resync request.
            self.shared.owes_resync.store(true, Ordering::SeqCst);
            tracing::warn!(error = %e, "publishing a revocation failed; the other instances get it from the database");
        }
        Ok(())
    }

    async fn check(&self, token: &DecodedToken) -> Result<bool, StoreError> {
        match self.check_now(token) {
            Some(answer) => answer,
            None => self.shared.memory.check(token).await,
        }
    }

    fn check_now(&self, token: &DecodedToken) -> Option<Result<bool, StoreError>> {
        if self.shared.freshness.state() == SyncState::Stale {
            return Some(Err(StoreError::Unavailable(
                "revocations: neither Redis nor the database has confirmed the view recently".into(),
            )));
        }
        self.shared.memory.check_now(token)
    }

    fn prune(&self) {
        self.shared.memory.prune();
    }

    fn size(&self) -> Option<usize> {
        self.shared.memory.size()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        match self.shared.freshness.state() {
            SyncState::Stale => Err(StoreError::Unavailable("revocations: not synchronised".into())),
            _ => Ok(()),
        }
    }
}

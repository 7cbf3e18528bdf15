//! The server's revocation state: answered from memory on the hot path, written to the
//! database first so an acknowledged revocation survives a restart, reloaded at start-up
//! and pruned once what it blocks has expired.

use std::sync::Arc;

use async_trait::async_trait;
use jwt_extended::{Consumption, DecodedToken, InMemoryRevocationStore, RevocationCheck, RevocationError, RevocationStore};

use crate::store::{DynStore, RevocationKind, RevocationRecord, StoreError};

/// Database-backed revocations with an in-memory mirror.
pub struct PersistentRevocations {
    memory: Arc<InMemoryRevocationStore>,
    store: DynStore,
}

fn unavailable(e: StoreError) -> RevocationError {
    RevocationError(e.to_string())
}

impl PersistentRevocations {
    /// Loads every revocation still in force from the database into memory.
    pub async fn load(store: DynStore) -> Result<Self, StoreError> {
        let memory = Arc::new(InMemoryRevocationStore::new());
        for record in store.load_revocations(crate::clock::now()).await? {
            apply(&memory, &record).await;
        }
        Ok(PersistentRevocations { memory, store })
    }

    /// Number of revocations held in memory.
    pub fn len(&self) -> usize {
        self.memory.len()
    }

    /// Whether nothing is revoked.
    pub fn is_empty(&self) -> bool {
        self.memory.is_empty()
    }

    /// Drops expired entries from memory and the database.
    pub async fn prune(&self) -> Result<u64, StoreError> {
        self.memory.prune();
        self.store.prune(crate::clock::now()).await
    }

    async fn persist(&self, record: RevocationRecord) -> Result<(), RevocationError> {
        self.store.add_revocation(record.clone()).await.map_err(unavailable)?;
        apply(&self.memory, &record).await;
        Ok(())
    }
}

async fn apply(memory: &InMemoryRevocationStore, r: &RevocationRecord) {
    // The in-memory store cannot fail.
    let _ = match r.kind {
        RevocationKind::Token => memory.revoke_token(&r.key, Some(r.expires_at)).await,
        RevocationKind::Session => memory.revoke_session(&r.key, Some(r.expires_at)).await,
        RevocationKind::User => {
            memory
                .revoke_user_before(&r.key, r.cutoff.unwrap_or(r.expires_at), Some(r.expires_at))
                .await
        }
    };
}

fn far_future(expires_at: Option<i64>) -> i64 {
    expires_at.unwrap_or(i64::MAX)
}

#[async_trait]
impl RevocationCheck for PersistentRevocations {
    async fn is_revoked(&self, token: &DecodedToken) -> Result<bool, RevocationError> {
        Ok(self.memory.is_revoked_now(token))
    }
}

#[async_trait]
impl RevocationStore for PersistentRevocations {
    async fn revoke_token(&self, jti: &str, expires_at: Option<i64>) -> Result<(), RevocationError> {
        self.persist(RevocationRecord {
            kind: RevocationKind::Token,
            key: jti.to_string(),
            cutoff: None,
            expires_at: far_future(expires_at),
        })
        .await
    }

    async fn revoke_session(&self, session_id: &str, expires_at: Option<i64>) -> Result<(), RevocationError> {
        let record = RevocationRecord {
            kind: RevocationKind::Session,
            key: session_id.to_string(),
            cutoff: None,
            expires_at: far_future(expires_at),
        };
        self.persist(record).await
    }

    async fn revoke_user_before(&self, identity: &str, cutoff: i64, expires_at: Option<i64>) -> Result<(), RevocationError> {
        let record = RevocationRecord {
            kind: RevocationKind::User,
            key: identity.to_string(),
            cutoff: Some(cutoff),
            expires_at: far_future(expires_at),
        };
        self.persist(record).await
    }

    async fn consume_refresh_token(&self, _jti: &str, _expires_at: Option<i64>) -> Result<Consumption, RevocationError> {
        // Rotation is decided by the session row's compare-and-swap (Store::rotate_session),
        // which is durable and atomic across instances; this in-memory path is not used.
        Err(RevocationError("refresh rotation goes through Store::rotate_session".into()))
    }
}

//! The revocation mirror in process memory (one instance, or several without Redis where
//! each only sees its own revocations until it restarts and reloads them).

use async_trait::async_trait;
use jwt_extended::{DecodedToken, InMemoryRevocationStore, RevocationStore};

use crate::infra::revocation::Mirror;
use crate::infra::store::{RevocationKind, RevocationRecord, StoreError};

/// Revocations held in this process.
#[derive(Default)]
pub struct MemoryMirror {
    memory: InMemoryRevocationStore,
}

#[async_trait]
impl Mirror for MemoryMirror {
    async fn apply(&self, r: &RevocationRecord) -> Result<(), StoreError> {
        // The in-memory store cannot fail.
        let _ = match r.kind {
            RevocationKind::Token => self.memory.revoke_token(&r.key, Some(r.expires_at)).await,
            RevocationKind::Session => self.memory.revoke_session(&r.key, Some(r.expires_at)).await,
            RevocationKind::User => {
                self.memory
                    .revoke_user_before(&r.key, r.cutoff.unwrap_or(r.expires_at), Some(r.expires_at))
                    .await
            }
        };
        Ok(())
    }

    async fn check(&self, token: &DecodedToken) -> Result<bool, StoreError> {
        Ok(self.memory.is_revoked_now(token))
    }

    fn check_now(&self, token: &DecodedToken) -> Option<Result<bool, StoreError>> {
        Some(Ok(self.memory.is_revoked_now(token)))
    }

    fn prune(&self) {
        self.memory.prune();
    }

    fn size(&self) -> Option<usize> {
        Some(self.memory.len())
    }
}

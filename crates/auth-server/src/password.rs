//! Password hashing with argon2id at OWASP parameters (19 MiB, t=2, p=1), run on the
//! low-priority hashing threads (`hashing_pool.rs`) behind a semaphore so logins can never
//! starve the async request path, and a dummy hash so an unknown username costs the same
//! work as a wrong password.

use std::sync::Arc;
use std::time::Instant;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::hashing_pool::HashingPool;

/// Hashes and verifies passwords off the async threads, at most `permits` at a time.
#[derive(Clone)]
pub struct PasswordHasher {
    /// Held while a hash is queued or running: a request that gives up (deadline) leaves
    /// the queue instead of leaving work behind.
    permits: Arc<Semaphore>,
    threads: HashingPool,
    dummy_hash: Arc<str>,
}

/// The hashing pool failed (a panicked or cancelled blocking task).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Runs one hash or verification, recording how long it took (the pool's capacity is
/// cores ÷ this time).
fn timed<T>(work: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = work();
    metrics::histogram!(crate::ops::metrics::PASSWORD_HASH_DURATION).record(start.elapsed().as_secs_f64());
    out
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

impl PasswordHasher {
    /// A hasher allowing `permits` concurrent hashes (the number of cores is right).
    pub fn new(permits: usize) -> Self {
        let dummy_hash = hash_blocking("dummy password for timing equalisation").expect("hashing a constant succeeds");
        PasswordHasher {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            threads: HashingPool::new(permits),
            dummy_hash: dummy_hash.into(),
        }
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let _permit = self.permits.acquire().await.map_err(|e| HashError(e.to_string()))?;
        self.threads
            .run(move || timed(|| hash_blocking(&password)))
            .await
            .map_err(|e| HashError(e.to_string()))?
    }

    /// Verifies `password` against `hash`, or against the dummy hash when there is no
    /// user, so both failures take the same time. Returns `false` for `None`.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, HashError> {
        let _permit = self.permits.acquire().await.map_err(|e| HashError(e.to_string()))?;
        let dummy = self.dummy_hash.clone();
        self.threads
            .run(move || {
                timed(|| match hash {
                    Some(hash) => verify_blocking(&password, &hash),
                    None => {
                        verify_blocking(&password, &dummy);
                        false
                    }
                })
            })
            .await
            .map_err(|e| HashError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_never_match() {
        let hasher = PasswordHasher::new(2);
        let hash = hasher.hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify("correct horse".into(), Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify("wrong horse".into(), Some(hash)).await.unwrap());
        assert!(!hasher.verify("dummy password for timing equalisation".into(), None).await.unwrap());
    }
}

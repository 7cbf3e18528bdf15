//! Password hashing with argon2id at OWASP parameters (19 MiB, t=2, p=1), run on the
//! low-priority hashing threads (`pool.rs`) so logins can never starve the async
//! request path, and a dummy hash so an unknown username costs the same work as a wrong
//! password. The queue in front of the threads has two lanes (`pool.rs`), each bounded
//! (`--hashing-queue`, `--hashing-priority-queue`): past its bound a check is refused at
//! once (503 with `Retry-After`) instead of waiting until its request times out, so a
//! login flood costs queue slots, not memory and deadlines, and the hashing work waiting
//! never exceeds the threads plus both bounds whatever the flood does.

pub mod memory;
pub mod pool;

use std::sync::Arc;
use std::time::Instant;

use argon2::password_hash::{self, Output, ParamsString, PasswordHash, Salt, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::infra::password::memory::HashMemory;
use crate::infra::password::pool::HashingPool;
pub use crate::infra::password::pool::Lane;

/// Hashes and verifies passwords off the async threads.
#[derive(Clone)]
pub struct PasswordHasher {
    /// Per lane, one permit per thread and queue slot, held by a job until it has run (or
    /// been dropped unrun because its caller left): each lane is bounded on its own, so a
    /// flood filling the normal lane leaves the priority lane's slots free.
    normal_slots: Arc<Semaphore>,
    priority_slots: Arc<Semaphore>,
    threads: HashingPool,
    dummy_hash: Arc<str>,
}

/// Why a hash did not run.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every thread is busy and the queue is full: try again shortly.
    #[error("the password hashing queue is full")]
    Busy,
    /// The hashing threads failed.
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
fn owasp_params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid")
}

/// What the `argon2` crate's `hash_password` computes (the same PHC string), with the
/// working memory from [`HashMemory`] instead of a `Vec`.
fn hash_with<'a>(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: Salt<'a>,
) -> password_hash::Result<PasswordHash<'a>> {
    let mut salt_buf = [0u8; Salt::MAX_LENGTH];
    let salt_bytes = salt.decode_b64(&mut salt_buf)?;
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let memory = HashMemory::new(params.block_count());
    let params_string = ParamsString::try_from(&params)?;
    let argon2 = Argon2::new(algorithm, version, params);
    let output = Output::init_with(output_len, |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt_bytes, out, memory)?)
    })?;
    Ok(PasswordHash {
        algorithm: algorithm.ident(),
        version: Some(version.into()),
        params: params_string,
        salt: Some(salt),
        hash: Some(output),
    })
}

fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    hash_with(
        Algorithm::Argon2id,
        Version::V0x13,
        owasp_params(),
        password.as_bytes(),
        salt.as_salt(),
    )
    .map(|h| h.to_string())
    .map_err(|e| HashError::Failed(e.to_string()))
}

/// Runs one hash or verification, recording how long it took (the pool's capacity is
/// cores ÷ this time).
fn timed<T>(work: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = work();
    metrics::histogram!(crate::telemetry::metrics::PASSWORD_HASH_DURATION).record(start.elapsed().as_secs_f64());
    out
}

/// Recomputes the hash with the stored hash's own algorithm, version, parameters and
/// salt (hashes made with other parameters still verify), compared in constant time
/// (`Output`'s equality), as the crate's `verify_password` does.
fn verify_blocking(password: &str, hash: &str) -> bool {
    let verify = || -> password_hash::Result<bool> {
        let parsed = PasswordHash::new(hash)?;
        let (Some(salt), Some(expected)) = (parsed.salt, &parsed.hash) else {
            return Ok(false);
        };
        let algorithm = Algorithm::try_from(parsed.algorithm)?;
        let version = parsed.version.map(Version::try_from).transpose()?.unwrap_or_default();
        let computed = hash_with(algorithm, version, Params::try_from(&parsed)?, password.as_bytes(), salt)?;
        Ok(computed.hash.as_ref() == Some(expected))
    };
    verify().unwrap_or(false)
}

impl PasswordHasher {
    /// A hasher with `threads` hashing threads (the number of cores is right) and room
    /// for `queue` more checks waiting for one in the normal lane, `priority_queue` in the
    /// priority lane.
    pub fn new(threads: usize, queue: usize, priority_queue: usize) -> Self {
        let threads = threads.max(1);
        let dummy_hash = hash_blocking("dummy password for timing equalisation").expect("hashing a constant succeeds");
        PasswordHasher {
            normal_slots: Arc::new(Semaphore::new(threads + queue)),
            priority_slots: Arc::new(Semaphore::new(threads + priority_queue)),
            threads: HashingPool::new(threads),
            dummy_hash: dummy_hash.into(),
        }
    }

    /// A slot in `lane`'s queue, or [`HashError::Busy`] at once when there is none.
    fn slot(&self, lane: Lane) -> Result<OwnedSemaphorePermit, HashError> {
        let slots = match lane {
            Lane::Normal => &self.normal_slots,
            Lane::Priority => &self.priority_slots,
        };
        slots.clone().try_acquire_owned().map_err(|_| {
            metrics::counter!(crate::telemetry::metrics::PASSWORD_HASHES_REFUSED).increment(1);
            HashError::Busy
        })
    }

    /// Runs `work` on a hashing thread, holding a slot of `lane` until it has run.
    async fn run<T: Send + 'static>(&self, lane: Lane, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        let slot = self.slot(lane)?;
        self.threads
            .run(lane, move || {
                let _slot = slot;
                timed(work)
            })
            .await
            .map_err(|e| HashError::Failed(e.to_string()))
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(Lane::Normal, move || hash_blocking(&password)).await?
    }

    /// Verifies `password` against `hash`, or against the dummy hash when there is no
    /// user, so both failures take the same time, queued in `lane`. Returns `false` for
    /// `None`.
    pub async fn verify(&self, password: String, hash: Option<String>, lane: Lane) -> Result<bool, HashError> {
        let dummy = self.dummy_hash.clone();
        self.run(lane, move || match hash {
            Some(hash) => verify_blocking(&password, &hash),
            None => {
                verify_blocking(&password, &dummy);
                false
            }
        })
        .await
    }

    /// Hashes and verifications started so far.
    pub fn ran(&self) -> u64 {
        self.threads.ran()
    }

    /// Checks dropped unrun because their caller had gone.
    pub fn skipped(&self) -> u64 {
        self.threads.skipped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_never_match() {
        let hasher = PasswordHasher::new(2, 4, 4);
        let hash = hasher.hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            hasher
                .verify("correct horse".into(), Some(hash.clone()), Lane::Normal)
                .await
                .unwrap()
        );
        assert!(!hasher.verify("wrong horse".into(), Some(hash), Lane::Priority).await.unwrap());
        assert!(
            !hasher
                .verify("dummy password for timing equalisation".into(), None, Lane::Normal)
                .await
                .unwrap()
        );
    }

    /// Hashes stored before the working memory was our own, or with other parameters,
    /// still verify; ours verify with the crate's own verifier.
    #[test]
    fn agrees_with_the_argon2_crate_both_ways() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let salt = SaltString::generate(&mut OsRng);
        let small = Params::new(8 * 1024, 1, 1, None).unwrap();
        for (algorithm, params) in [(Algorithm::Argon2id, owasp_params()), (Algorithm::Argon2i, small)] {
            let theirs = Argon2::new(algorithm, Version::V0x13, params.clone())
                .hash_password(b"correct horse", &salt)
                .unwrap()
                .to_string();
            assert!(verify_blocking("correct horse", &theirs), "{theirs}");
            assert!(!verify_blocking("wrong horse", &theirs));
            let ours = hash_with(algorithm, Version::V0x13, params, b"correct horse", salt.as_salt()).unwrap();
            assert_eq!(ours.to_string(), theirs, "same inputs, same PHC string");
        }
        let ours = hash_blocking("battery staple").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default().verify_password(b"battery staple", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"battery stapler", &parsed).is_err());
    }

    /// Blocks the one thread of `hasher` with a job in `lane` until the sender is used or
    /// dropped; returns once that job is running.
    async fn block(hasher: &PasswordHasher, lane: Lane) -> (std::sync::mpsc::Sender<()>, tokio::task::JoinHandle<bool>) {
        let (started, running) = tokio::sync::oneshot::channel::<()>();
        let (release, blocker) = std::sync::mpsc::channel::<()>();
        let hasher = hasher.clone();
        let task = tokio::spawn(async move {
            let work = move || {
                let _ = started.send(());
                blocker.recv().is_ok()
            };
            hasher.run(lane, work).await.unwrap()
        });
        running.await.unwrap();
        (release, task)
    }

    /// Starts a verification in `lane` and waits until it holds its slot.
    async fn queue(hasher: &PasswordHasher, lane: Lane) -> tokio::task::JoinHandle<Result<bool, HashError>> {
        let slots = match lane {
            Lane::Normal => hasher.normal_slots.clone(),
            Lane::Priority => hasher.priority_slots.clone(),
        };
        let before = slots.available_permits();
        let task = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.verify("queued".into(), None, lane).await }
        });
        while slots.available_permits() == before {
            tokio::task::yield_now().await;
        }
        task
    }

    #[tokio::test]
    async fn each_lane_is_bounded_and_a_full_one_refuses_at_once() {
        let hasher = PasswordHasher::new(1, 1, 2);
        let (release, running) = block(&hasher, Lane::Normal).await;
        let normal = queue(&hasher, Lane::Normal).await;
        // The normal lane is full (one running, one waiting); the priority lane is not.
        assert!(matches!(hasher.verify("x".into(), None, Lane::Normal).await, Err(HashError::Busy)));
        let mut priority = Vec::new();
        for _ in 0..3 {
            priority.push(queue(&hasher, Lane::Priority).await);
        }
        // A thread's worth plus two waiting: the priority lane has its own bound too.
        assert!(matches!(
            hasher.verify("x".into(), None, Lane::Priority).await,
            Err(HashError::Busy)
        ));
        release.send(()).unwrap();
        assert!(running.await.unwrap());
        for task in priority.into_iter().chain([normal]) {
            assert!(!task.await.unwrap().unwrap());
        }
        for lane in [Lane::Normal, Lane::Priority] {
            assert!(!hasher.verify("x".into(), None, lane).await.unwrap(), "room again once drained");
        }
    }

    #[test]
    fn malformed_hashes_never_verify() {
        for stored in [
            "",
            "not a hash",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ",
            "$argon2id$v=19$m=1,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
        ] {
            assert!(!verify_blocking("anything", stored), "{stored}");
        }
    }
}

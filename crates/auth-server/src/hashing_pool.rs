//! The threads password hashes run on: a few dedicated threads at a lower scheduling
//! priority (nice 10) instead of tokio's blocking pool.
//!
//! On a machine with as many hashing threads as cores, every core is busy hashing while
//! logins pour in, and the async workers that answer token-only requests had to wait for
//! the scheduler: `/api/v1/secret`'s p99 under login load was 3.5× its p99 without it
//! (issue 7, goal 4, at most 3×). A niced thread still gets a whole core when nothing
//! else wants it, so login throughput is unchanged; it just yields to the request path.
//! (tokio's blocking pool cannot be used: a thread's nice value can be raised but, without
//! privileges, never lowered back, and the pool's threads serve other blocking work too.)

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// The nice value of the hashing threads (0 is the default, 19 the lowest priority).
pub const HASHING_NICE: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of low-priority threads running jobs in order. The threads stop once every
/// clone of the pool is dropped.
#[derive(Clone)]
pub struct HashingPool {
    jobs: mpsc::Sender<Job>,
}

/// A job could not run: the pool's threads are gone (they only stop when a job panics).
#[derive(Debug, thiserror::Error)]
#[error("the hashing threads are gone")]
pub struct PoolGone;

impl HashingPool {
    /// Starts `threads` threads (at least one).
    pub fn new(threads: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                lower_priority();
                loop {
                    // The lock is held only while waiting for the next job.
                    let next = queue.lock().map_err(|_| ()).and_then(|q| q.recv().map_err(|_| ()));
                    match next {
                        Ok(job) => job(),
                        Err(()) => return,
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a hashing thread");
            }
        }
        HashingPool { jobs }
    }

    /// Runs `work` on a hashing thread and waits for its result.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, PoolGone> {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            // The caller may have given up (request deadline); nothing to tell it then.
            let _ = done.send(work());
        });
        self.jobs.send(job).map_err(|_| PoolGone)?;
        result.await.map_err(|_| PoolGone)
    }
}

/// Lowers the calling thread's priority to [`HASHING_NICE`]. Best effort: a failure only
/// costs latency, so it is logged and hashing goes on.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // On Linux, PRIO_PROCESS with a thread id sets that one thread's nice value.
        // SAFETY: plain system calls on the current thread's own id.
        let result = unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, HASHING_NICE) };
        if result != 0 {
            tracing::warn!(error = %std::io::Error::last_os_error(), "could not lower the hashing threads' priority");
        }
    }
}

/// The calling thread's nice value (tests check the hashing threads run niced).
#[cfg(target_os = "linux")]
pub fn current_nice() -> i32 {
    // SAFETY: as above; getpriority only reads.
    unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_on_niced_threads_and_return_their_results() {
        let pool = HashingPool::new(2);
        assert_eq!(pool.run(|| 6 * 7).await.unwrap(), 42);
        #[cfg(target_os = "linux")]
        {
            let own = current_nice();
            let on_pool = pool.run(current_nice).await.unwrap();
            // Already at or below the target (a niced test run): it cannot go lower than 19.
            assert_eq!(on_pool, HASHING_NICE.max(own).min(19), "test thread nice {own}");
        }
    }

    #[tokio::test]
    async fn concurrent_jobs_all_complete() {
        let pool = HashingPool::new(2);
        let tasks: Vec<_> = (0..20usize)
            .map(|i| {
                let pool = pool.clone();
                tokio::spawn(async move { pool.run(move || i * 2).await.unwrap() })
            })
            .collect();
        for (i, task) in tasks.into_iter().enumerate() {
            assert_eq!(task.await.unwrap(), i * 2);
        }
    }
}

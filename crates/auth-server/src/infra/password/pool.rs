//! The threads password hashes run on: a few dedicated threads in Linux's `SCHED_IDLE`
//! scheduling class instead of tokio's blocking pool.
//!
//! With as many hashing threads as cores, every core is busy hashing while logins pour
//! in, and the async workers answering token-only requests had to wait for the scheduler:
//! token requests' tail latency grew several times over (a lower nice value did not
//! help). An idle-class thread yields its core as soon as a normal thread wants it, yet
//! gets the whole core when nothing else runs, so logins alone are as fast as before
//! (figures in docs/performance.md). The kernel still gives idle-class threads a small
//! share of a busy core, so logins slow down under saturating token traffic but never stop.
//! tokio's blocking pool cannot be used: an unprivileged thread cannot leave the idle
//! class again, and the pool's threads serve other blocking work too.
//!
//! Two lanes: a thread takes a priority job (a login from a trusted device) before any
//! normal one, so a flood of guesses queued in the normal lane delays a trusted login by
//! at most the hashes already running.
//!
//! A job whose caller has gone (the client disconnected, or the request hit its
//! deadline) is dropped when its turn comes instead of hashing for nobody: a flood of
//! abandoned logins must not keep the cores busy after the clients left.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use tokio::sync::oneshot;

/// The nice value of the hashing threads where the idle class is refused (0 is the
/// default, 19 the lowest priority).
pub const HASHING_NICE: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// Which queue a job waits in: a thread always takes a priority job before a normal one,
/// so a login from a trusted device waits only for the hashes already running, however
/// many guesses wait in the normal lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Everything else.
    Normal,
    /// Logins from a device that logged in before (`infra/device.rs`).
    Priority,
}

/// The jobs waiting, by lane, and whether every handle to the pool is gone.
#[derive(Default)]
struct Lanes {
    priority: VecDeque<Job>,
    normal: VecDeque<Job>,
    closed: bool,
}

#[derive(Default)]
struct Queue {
    lanes: Mutex<Lanes>,
    ready: Condvar,
}

impl Queue {
    fn lanes(&self) -> std::sync::MutexGuard<'_, Lanes> {
        self.lanes.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, lane: Lane, job: Job) {
        let mut lanes = self.lanes();
        match lane {
            Lane::Priority => lanes.priority.push_back(job),
            Lane::Normal => lanes.normal.push_back(job),
        }
        self.ready.notify_one();
    }

    /// The next job, priority first; `None` once the pool is closed and drained.
    fn next(&self) -> Option<Job> {
        let mut lanes = self.lanes();
        loop {
            if let Some(job) = lanes.priority.pop_front().or_else(|| lanes.normal.pop_front()) {
                return Some(job);
            }
            if lanes.closed {
                return None;
            }
            lanes = self.ready.wait(lanes).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Closes the queue when the last handle to the pool is dropped, so the threads stop.
struct Closer(Arc<Queue>);

impl Drop for Closer {
    fn drop(&mut self) {
        self.0.lanes().closed = true;
        self.0.ready.notify_all();
    }
}

/// A fixed set of low-priority threads running jobs in order, priority lane first. The
/// threads stop once every clone of the pool is dropped.
#[derive(Clone)]
pub struct HashingPool {
    queue: Arc<Closer>,
    ran: Arc<AtomicU64>,
    skipped: Arc<AtomicU64>,
}

/// A job could not run: the pool's threads are gone (they only stop when a job panics).
#[derive(Debug, thiserror::Error)]
#[error("the hashing threads are gone")]
pub struct PoolGone;

impl HashingPool {
    /// Starts `threads` threads (at least one).
    pub fn new(threads: usize) -> Self {
        let queue = Arc::new(Queue::default());
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                lower_priority();
                while let Some(job) = queue.next() {
                    job();
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a hashing thread");
            }
        }
        HashingPool {
            queue: Arc::new(Closer(queue)),
            ran: Arc::default(),
            skipped: Arc::default(),
        }
    }

    /// Queues `work` in `lane` at once (before the returned future is first polled) and
    /// gives its result. If the future is dropped before a thread picks the job up, `work`
    /// is dropped without running.
    pub fn run<T, F>(&self, lane: Lane, work: F) -> impl Future<Output = Result<T, PoolGone>> + use<T, F>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let (ran, skipped) = (self.ran.clone(), self.skipped.clone());
        let job: Job = Box::new(move || {
            if done.is_closed() {
                skipped.fetch_add(1, Ordering::Relaxed);
                metrics::counter!(crate::telemetry::metrics::PASSWORD_HASHES_SKIPPED).increment(1);
                return;
            }
            ran.fetch_add(1, Ordering::Relaxed);
            // The caller may give up while it runs; nothing to tell it then.
            let _ = done.send(work());
        });
        self.queue.0.push(lane, job);
        async move { result.await.map_err(|_| PoolGone) }
    }

    /// Jobs started so far.
    pub fn ran(&self) -> u64 {
        self.ran.load(Ordering::Relaxed)
    }

    /// Jobs dropped unrun because their caller had gone.
    pub fn skipped(&self) -> u64 {
        self.skipped.load(Ordering::Relaxed)
    }
}

/// Puts the calling thread in the idle scheduling class, or at least at [`HASHING_NICE`].
/// Best effort: a failure only costs latency, so it is logged and hashing goes on.
fn lower_priority() {
    if let Err(error) = crate::infra::os::lower_thread_priority(HASHING_NICE) {
        tracing::warn!(%error, "could not lower the hashing threads' priority");
    }
}

/// Whether the calling thread is in the idle scheduling class (tests check the hashing
/// threads are).
#[cfg(target_os = "linux")]
pub fn in_idle_class() -> bool {
    crate::infra::os::in_idle_class()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_in_the_idle_class_and_return_their_results() {
        let pool = HashingPool::new(2);
        assert_eq!(pool.run(Lane::Normal, || 6 * 7).await.unwrap(), 42);
        #[cfg(target_os = "linux")]
        {
            assert!(!in_idle_class(), "the test thread is a normal one");
            assert!(
                pool.run(Lane::Normal, in_idle_class).await.unwrap(),
                "hashing threads run in the idle class"
            );
        }
    }

    #[tokio::test]
    async fn jobs_whose_caller_left_do_not_run() {
        let pool = HashingPool::new(1);
        let (release, blocker) = std::sync::mpsc::channel::<()>();
        let busy = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(Lane::Normal, move || blocker.recv().is_ok()).await }
        });
        // Queued behind the busy thread, then abandoned.
        let ran = Arc::new(AtomicU64::new(0));
        let abandoned = {
            let ran = ran.clone();
            let pool = pool.clone();
            tokio::spawn(async move { pool.run(Lane::Normal, move || ran.fetch_add(1, Ordering::Relaxed)).await })
        };
        tokio::task::yield_now().await;
        abandoned.abort();
        let _ = abandoned.await;
        release.send(()).unwrap();
        assert!(busy.await.unwrap().unwrap());
        // The pool runs jobs in order: once this one is done, the abandoned one was met.
        assert_eq!(pool.run(Lane::Normal, || 1).await.unwrap(), 1);
        assert_eq!(ran.load(Ordering::Relaxed), 0);
        assert_eq!(pool.skipped(), 1);
    }

    #[tokio::test]
    async fn a_priority_job_runs_before_every_normal_one_already_waiting() {
        let pool = HashingPool::new(1);
        let (started, running) = tokio::sync::oneshot::channel::<()>();
        let (release, blocker) = std::sync::mpsc::channel::<()>();
        let busy = pool.run(Lane::Normal, move || {
            let _ = started.send(());
            blocker.recv().is_ok()
        });
        running.await.unwrap();
        // The only thread is busy: these wait, queued in this order.
        let (order_in, order) = std::sync::mpsc::channel::<&str>();
        let normal: Vec<_> = (0..3)
            .map(|_| {
                let order_in = order_in.clone();
                pool.run(Lane::Normal, move || order_in.send("normal").unwrap())
            })
            .collect();
        let priority = pool.run(Lane::Priority, move || order_in.send("priority").unwrap());
        release.send(()).unwrap();
        assert!(busy.await.unwrap());
        priority.await.unwrap();
        for job in normal {
            job.await.unwrap();
        }
        let ran: Vec<_> = order.try_iter().collect();
        assert_eq!(ran, ["priority", "normal", "normal", "normal"]);
    }

    #[tokio::test]
    async fn concurrent_jobs_all_complete() {
        let pool = HashingPool::new(2);
        let tasks: Vec<_> = (0..20usize)
            .map(|i| {
                let pool = pool.clone();
                tokio::spawn(async move { pool.run(Lane::Normal, move || i * 2).await.unwrap() })
            })
            .collect();
        for (i, task) in tasks.into_iter().enumerate() {
            assert_eq!(task.await.unwrap(), i * 2);
        }
    }
}

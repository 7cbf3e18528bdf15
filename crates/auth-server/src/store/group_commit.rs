//! Group commit for SQLite's refresh-token rotations. With `synchronous=FULL` every
//! commit waits for one fsync of the write-ahead log (about a millisecond on a VM disk),
//! and SQLite has one writer at a time, so committing each rotation on its own caps
//! refreshes near a thousand per second. One writer task instead takes every rotation
//! that is waiting, applies them in one transaction and answers each only after that
//! transaction's commit: N rotations cost one fsync, and each is still durable before it
//! is acknowledged. Serialising them in one task also keeps the compare-and-swap exact:
//! two presentations of one token in the same batch see each other's update.

use sqlx::{Connection, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use super::{RotateOutcome, Rotation, StoreError};

/// Most rotations committed together (bounds one transaction's work and latency).
const MAX_BATCH: usize = 256;
/// Rotations allowed to wait for the writer before callers wait to enqueue.
const QUEUE: usize = 1024;

struct Job {
    rotation: Rotation,
    reply: oneshot::Sender<Result<RotateOutcome, StoreError>>,
}

/// Handle to the writer task; cloning shares it.
#[derive(Debug, Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Spawns the writer on `conn` (a connection of its own, outside the read pool).
    pub fn start(conn: SqliteConnection) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(writer(conn, queue));
        GroupCommit { jobs }
    }

    /// Applies `rotation` and returns its outcome once it is committed.
    pub async fn rotate(&self, rotation: Rotation) -> Result<RotateOutcome, StoreError> {
        let (reply, outcome) = oneshot::channel();
        let stopped = || StoreError::Unavailable("the SQLite writer has stopped".into());
        self.jobs.send(Job { rotation, reply }).await.map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

async fn writer(mut conn: SqliteConnection, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match commit(&mut conn, &batch).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, rotations = batch.len(), "committing refresh-token rotations failed");
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(StoreError::Unavailable(e.to_string())));
                }
            }
        }
    }
}

/// All of `batch` in one transaction; nothing is answered unless the commit succeeded.
async fn commit(conn: &mut SqliteConnection, batch: &[Job]) -> Result<Vec<RotateOutcome>, sqlx::Error> {
    let mut tx = conn.begin().await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        outcomes.push(super::sqlite::sql_impl::rotate_on(&mut tx, &job.rotation).await?);
    }
    tx.commit().await?;
    Ok(outcomes)
}

//! Group commit for SQLite's refresh-token rotations. With `synchronous=FULL` every
//! commit waits for one fsync of the write-ahead log (about a millisecond on a VM disk),
//! and SQLite has one writer at a time, so committing each rotation on its own caps
//! refreshes near a thousand per second. One writer task instead takes every rotation
//! that is waiting, applies them in one transaction and answers each only after that
//! transaction's commit: N rotations cost one fsync (and one statement), and each is still
//! durable before it is acknowledged. Serialising them in one task also keeps the compare-and-swap exact:
//! two presentations of one token in the same batch see each other's update. The writer
//! owns its SQL: a batch is one statement, and the rotations it did not apply are
//! explained by one more (see [`commit`]).

use std::collections::HashMap;

use sqlx::{Connection, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use super::rows::{LiveSessionRow, not_rotated};
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

/// Applies every rotation of `batch` whose presented token is still its session's current
/// one, in one statement: sqlx hands each statement to SQLite's worker thread, and one
/// statement per rotation made those thread switches the largest item in a refresh's
/// profile. When one token is presented twice in the batch, SQLite applies one of the two
/// (`UPDATE … FROM` uses one matching source row per target row) and the other is reuse,
/// as if they had come one after the other. Returns each updated session's new token.
const ROTATE_BATCH: &str = "UPDATE sessions \
     SET refresh_jti = r.next_jti, previous_jti = sessions.refresh_jti, rotated_at = r.now, \
         last_used_at = r.now, expires_at = r.expires_at \
     FROM (SELECT value ->> 'session' AS session_id, value ->> 'presented' AS presented_jti, \
                  value ->> 'next' AS next_jti, value ->> 'now' AS now, value ->> 'expires_at' AS expires_at \
           FROM json_each($1)) AS r \
     WHERE sessions.id = r.session_id AND sessions.refresh_jti = r.presented_jti \
       AND sessions.revoked_at IS NULL AND sessions.expires_at > r.now \
     RETURNING sessions.id, sessions.refresh_jti";

/// The sessions of the rotations a batch did not apply, read in the same transaction
/// after it: those neither revoked nor expired at the rotation's `now`, each with the
/// position of its rotation in `$1` (a session presented twice comes back twice).
const LIVE_SESSIONS: &str = "SELECT r.key AS position, s.refresh_jti, s.previous_jti, s.rotated_at, s.expires_at \
     FROM json_each($1) AS r JOIN sessions AS s ON s.id = (r.value ->> 'session') \
     WHERE s.revoked_at IS NULL AND s.expires_at > (r.value ->> 'now')";

/// A row of [`LIVE_SESSIONS`].
#[derive(sqlx::FromRow)]
struct MissedRow {
    position: i64,
    #[sqlx(flatten)]
    live: LiveSessionRow,
}

/// All of `batch` in one transaction; nothing is answered unless the commit succeeded.
/// Two statements at most: [`ROTATE_BATCH`], then [`LIVE_SESSIONS`] for the rotations it
/// did not apply (none in the usual batch), whose rows tell reuse from a superseded token
/// and from a session that is gone.
async fn commit(conn: &mut SqliteConnection, batch: &[Job]) -> Result<Vec<RotateOutcome>, sqlx::Error> {
    let rotations: Vec<serde_json::Value> = batch
        .iter()
        .map(|job| {
            let r = &job.rotation;
            serde_json::json!({
                "session": r.session_id,
                "presented": r.presented_jti,
                "next": r.next_jti,
                "now": r.now,
                "expires_at": r.expires_at,
            })
        })
        .collect();
    let mut tx = conn.begin().await?;
    // One row per updated session, so a session maps to the one rotation that won.
    let applied: HashMap<String, String> = sqlx::query_as(ROTATE_BATCH)
        .bind(serde_json::Value::Array(rotations).to_string())
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
    let was_applied = |r: &Rotation| applied.get(&r.session_id) == Some(&r.next_jti);
    let missed: Vec<&Rotation> = batch.iter().map(|job| &job.rotation).filter(|r| !was_applied(r)).collect();
    let mut live = live_sessions(&mut tx, &missed).await?.into_iter();
    tx.commit().await?;
    let outcomes = batch.iter().map(|job| {
        let r = &job.rotation;
        if was_applied(r) {
            RotateOutcome::Rotated
        } else {
            not_rotated(live.next().flatten(), &r.presented_jti)
        }
    });
    Ok(outcomes.collect())
}

/// The live session of each of `missed`, in order (`None` where it is unknown, revoked or
/// expired).
async fn live_sessions(conn: &mut SqliteConnection, missed: &[&Rotation]) -> Result<Vec<Option<LiveSessionRow>>, sqlx::Error> {
    let mut live = Vec::with_capacity(missed.len());
    live.resize_with(missed.len(), || None);
    if missed.is_empty() {
        return Ok(live);
    }
    let missed: Vec<serde_json::Value> = missed
        .iter()
        .map(|r| serde_json::json!({ "session": r.session_id, "now": r.now }))
        .collect();
    let rows: Vec<MissedRow> = sqlx::query_as(LIVE_SESSIONS)
        .bind(serde_json::Value::Array(missed).to_string())
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        if let Some(slot) = usize::try_from(row.position).ok().and_then(|i| live.get_mut(i)) {
            *slot = Some(row.live);
        }
    }
    Ok(live)
}

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use super::*;
    use crate::infra::store::{NewSession, Store};

    fn job(session: &str, presented: &str, next: &str) -> Job {
        Job {
            rotation: crate::infra::store::tests::rotation(session, presented, next, 20),
            reply: oneshot::channel().0,
        }
    }

    /// Every case in one batch, so one statement decides them all.
    #[tokio::test]
    async fn one_batch_rotates_each_current_token_once_and_tells_reuse_from_gone() {
        let (dir, store) = crate::infra::store::tests::store().await;
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let user = crate::infra::store::tests::alice(&store).await;
        for (id, expires_at) in [("twice", 1000), ("once", 1000), ("revoked", 1000), ("expired", 15), ("stale", 1000)] {
            let session = NewSession {
                id: id.into(),
                user_id: user.id,
                refresh_jti: "j1".into(),
                now: 10,
                expires_at,
                user_agent: None,
                ip: None,
                persistent: false,
            };
            store.create_session(session).await.unwrap();
        }
        assert!(store.revoke_session("revoked", 12).await.unwrap());

        let batch = [
            job("twice", "j1", "twice-a"),
            job("twice", "j1", "twice-b"),
            job("once", "j1", "once-next"),
            job("revoked", "j1", "revoked-next"),
            job("expired", "j1", "expired-next"),
            job("stale", "j0", "stale-next"),
            job("unknown", "j1", "unknown-next"),
            job("stale", "j0", "stale-again"),
        ];
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        let outcomes = commit(&mut conn, &batch).await.unwrap();

        use RotateOutcome::{Gone, Reused, Rotated, Superseded};
        let (twice, rest) = outcomes.split_at(2);
        let winner = if twice[0] == Rotated { "twice-a" } else { "twice-b" };
        // The loser in the same batch is told the winner's token, as if it came second.
        let told = Superseded(crate::infra::store::Successor {
            jti: winner.into(),
            expires_at: 1000,
            rotated_at: 20,
        });
        assert!(twice == [Rotated, told.clone()] || twice == [told.clone(), Rotated], "{twice:?}");
        assert_eq!(rest, [Rotated, Gone, Gone, Reused, Gone, Reused]);
        assert_eq!(store.session("twice").await.unwrap().unwrap().refresh_jti, winner);
        let once = store.session("once").await.unwrap().unwrap();
        assert_eq!(
            (once.refresh_jti.as_str(), once.last_used_at, once.expires_at),
            ("once-next", 20, 1000)
        );
        assert_eq!(store.session("stale").await.unwrap().unwrap().refresh_jti, "j1");
        assert_eq!(store.session("revoked").await.unwrap().unwrap().refresh_jti, "j1");
    }
}

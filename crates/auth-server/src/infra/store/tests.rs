//! The shared SQL's trickier statements, on a temporary SQLite file (the API suites run
//! the same SQL on PostgreSQL): revocation merging, the rotation compare-and-swap, and
//! rotations committed in groups by SQLite's single writer.

use super::sqlite::SqliteStore;
use super::{NewSession, NewUser, RevocationKind, RevocationRecord, Role, RotateOutcome, Rotation, Store, Successor};

pub(super) async fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    (dir, SqliteStore::connect(&url).await.unwrap())
}

fn user_cutoff(cutoff: i64, expires_at: i64) -> RevocationRecord {
    RevocationRecord {
        kind: RevocationKind::User,
        key: "7".into(),
        cutoff: Some(cutoff),
        expires_at,
    }
}

#[tokio::test]
async fn a_later_revocation_never_lowers_a_cutoff_or_shortens_an_expiry() {
    let (_dir, store) = store().await;
    store.add_revocation(user_cutoff(100, 1000)).await.unwrap();
    store.add_revocation(user_cutoff(50, 2000)).await.unwrap();
    assert_eq!(store.load_revocations(0).await.unwrap(), vec![user_cutoff(100, 2000)]);
    store.add_revocation(user_cutoff(200, 500)).await.unwrap();
    assert_eq!(store.load_revocations(0).await.unwrap(), vec![user_cutoff(200, 2000)]);
    // Expired entries are not loaded, and pruned.
    assert!(store.load_revocations(2001).await.unwrap().is_empty());
    assert_eq!(store.prune(2001).await.unwrap(), 1);
}

#[tokio::test]
async fn the_poll_reads_revocations_written_or_rewritten_since_a_time() {
    let (dir, store) = store().await;
    let before = crate::infra::clock::now();
    store.add_revocation(user_cutoff(100, i64::MAX)).await.unwrap();
    assert_eq!(
        store.revocations_changed_since(before).await.unwrap(),
        vec![user_cutoff(100, i64::MAX)]
    );
    let later = crate::infra::clock::now() + 10;
    assert!(store.revocations_changed_since(later).await.unwrap().is_empty());
    // A merge into an existing row counts as a change (its later cut-off must spread too).
    backdate(&dir).await;
    assert!(store.revocations_changed_since(before).await.unwrap().is_empty());
    store.add_revocation(user_cutoff(200, i64::MAX)).await.unwrap();
    assert_eq!(
        store.revocations_changed_since(before).await.unwrap(),
        vec![user_cutoff(200, i64::MAX)]
    );
}

/// Moves every revocation's write time far into the past (through a connection of its
/// own: the store has no such operation).
async fn backdate(dir: &tempfile::TempDir) {
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query("UPDATE revocations SET changed_at = 0").execute(&pool).await.unwrap();
    pool.close().await;
}

pub(super) async fn alice(store: &SqliteStore) -> super::User {
    store
        .create_user(NewUser {
            username: "alice".into(),
            password_hash: "x".into(),
            role: Role::User,
            email: None,
            mobile: None,
            age: None,
            birth: None,
            now: 10,
        })
        .await
        .unwrap()
}

fn session(id: &str, user_id: i64) -> NewSession {
    NewSession {
        id: id.into(),
        user_id,
        refresh_jti: "j1".into(),
        now: 10,
        expires_at: 1000,
        user_agent: None,
        ip: None,
        persistent: false,
    }
}

/// Presenting `presented` on `session` at `now` for `next`, which expires at 1000.
pub(super) fn rotation(session: &str, presented: &str, next: &str, now: i64) -> Rotation {
    Rotation {
        session_id: session.into(),
        presented_jti: presented.into(),
        next_jti: next.into(),
        now,
        expires_at: 1000,
    }
}

#[tokio::test]
async fn a_refresh_jti_rotates_once_then_names_its_successor_then_counts_as_reuse() {
    let (_dir, store) = store().await;
    let user = alice(&store).await;
    store.create_session(session("s1", user.id)).await.unwrap();
    store.create_session(session("s2", user.id)).await.unwrap();
    assert_eq!(
        store.rotate_session(rotation("s1", "j1", "j2", 20)).await.unwrap(),
        RotateOutcome::Rotated
    );
    // The token the latest rotation consumed: its successor is named (the grace window).
    let successor = Successor {
        jti: "j2".into(),
        expires_at: 1000,
        rotated_at: 20,
    };
    assert_eq!(
        store.rotate_session(rotation("s1", "j1", "j3", 21)).await.unwrap(),
        RotateOutcome::Superseded(successor)
    );
    assert_eq!(
        store.rotate_session(rotation("s1", "j2", "j5", 22)).await.unwrap(),
        RotateOutcome::Rotated
    );
    // Older than the latest consumed token: plain reuse.
    assert_eq!(
        store.rotate_session(rotation("s1", "j1", "j6", 22)).await.unwrap(),
        RotateOutcome::Reused
    );
    assert_eq!(store.session("s1").await.unwrap().unwrap().refresh_jti, "j5");
    assert!(store.revoke_session("s1", 22).await.unwrap());
    assert_eq!(
        store.rotate_session(rotation("s1", "j5", "j4", 23)).await.unwrap(),
        RotateOutcome::Gone
    );
    // Every other active session of the user, and only those, is revoked.
    let revoked = store.revoke_user_sessions(user.id, Some("s1"), 24).await.unwrap();
    assert_eq!(revoked.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["s2"]);
    assert!(store.revoke_user_sessions(user.id, None, 25).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_rotations_are_committed_together_and_each_token_wins_once() {
    let (dir, store) = store().await;
    let store = std::sync::Arc::new(store);
    let user = alice(&store).await;
    let sessions: Vec<String> = (0..20).map(|i| format!("s{i}")).collect();
    for id in &sessions {
        store.create_session(session(id, user.id)).await.unwrap();
    }
    // Every session's current token is presented three times at once, with three
    // different successors: all 60 rotations are in flight together.
    let mut tasks = Vec::new();
    for id in &sessions {
        for attempt in 0..3 {
            let (store, id) = (store.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                let next = format!("{id}-next-{attempt}");
                let outcome = store.rotate_session(rotation(&id, "j1", &next, 20)).await.unwrap();
                (id, next, outcome)
            }));
        }
    }
    let mut winners = std::collections::HashMap::new();
    let mut losers = Vec::new();
    for task in tasks {
        let (id, next, outcome) = task.await.unwrap();
        match outcome {
            RotateOutcome::Rotated => assert!(winners.insert(id, next).is_none(), "two rotations of one token won"),
            RotateOutcome::Superseded(successor) => losers.push((id, successor.jti)),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(winners.len(), sessions.len());
    // Each loser is told the winner's token: the one successor of its session.
    assert_eq!(losers.len(), 2 * sessions.len());
    for (id, successor) in &losers {
        assert_eq!(&winners[id], successor);
    }
    // What was acknowledged is what a fresh connection reads back.
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let reopened = SqliteStore::connect(&url).await.unwrap();
    for (id, next) in winners {
        assert_eq!(reopened.session(&id).await.unwrap().unwrap().refresh_jti, next);
    }
}

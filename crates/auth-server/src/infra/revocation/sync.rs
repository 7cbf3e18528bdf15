//! The two tasks that keep an instance's in-memory revocations current (`synced.rs`).
//!
//! [`follow_redis`] subscribes to the revocation channel, then reads the channel's
//! counter and reloads everything from PostgreSQL: every message numbered up to that
//! counter was published after its revocation was committed, so the reload holds it, and
//! every later one arrives on the subscription opened before. Only then is the view
//! live. A gap in the numbers, a counter gone backwards (Redis flushed), a message it
//! cannot read or a resync request reloads again; a lost connection or an unanswered
//! ping ends the subscription and the view stops being live until the next one is
//! synchronised.
//!
//! [`poll_database`] reads the revocations written since its last read, every poll
//! interval, whatever Redis does: it is what brings a revocation whose publish failed,
//! and what keeps the view answering while Redis is down.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use redis::aio::PubSubSink;

use crate::infra::redis::CALL_TIMEOUT;
use crate::infra::revocation::bus::{Event, Numbered, decode};
use crate::infra::revocation::synced::{Shared, within_source_timeout};
use crate::infra::store::StoreError;

/// How far back each poll reads again: a revocation committed late, or written by an
/// instance whose clock is behind, is still seen if within this margin.
const POLL_OVERLAP_SECS: i64 = 5;
/// Longest wait before subscribing again after a failure.
const MAX_RESUBSCRIBE_DELAY: Duration = Duration::from_millis(500);

/// Follows the channel for as long as the process runs.
pub async fn follow_redis(shared: Arc<Shared>) {
    // Logged once per outage, not once per attempt.
    let mut failing = false;
    loop {
        let error = follow_once(&shared, &mut failing).await;
        shared.freshness.set_live(false);
        if !failing {
            tracing::warn!(error = %error, "revocation channel lost; checks rely on the database poll until it is back");
        }
        failing = true;
        tokio::time::sleep(shared.poll_interval.min(MAX_RESUBSCRIBE_DELAY)).await;
    }
}

/// The position of a subscriber in the channel's numbering.
struct Position {
    /// The last number applied (or covered by a reload).
    last: u64,
    /// Whether a message numbered after the last reload has arrived (before it, older
    /// messages still queued on the subscription are expected and skipped).
    resumed: bool,
}

/// One subscription, from connecting to its loss (the returned error).
async fn follow_once(shared: &Shared, failing: &mut bool) -> StoreError {
    let (mut sink, mut stream) = match shared.bus.redis().subscribe(&shared.bus.channel).await {
        Ok(subscription) => subscription,
        Err(e) => return e,
    };
    let mut position = Position { last: 0, resumed: false };
    if let Err(e) = resynchronise(shared, &mut position).await {
        return e;
    }
    tracing::info!(seq = position.last, "revocation channel synchronised");
    *failing = false;
    let mut heartbeat = tokio::time::interval(shared.poll_interval);
    heartbeat.tick().await;
    loop {
        tokio::select! {
            message = stream.next() => {
                let Some(message) = message else {
                    return StoreError::Unavailable("redis: the subscription connection closed".into());
                };
                let numbered = message.get_payload::<String>().ok().and_then(|p| decode(&p));
                if let Err(e) = receive(shared, &mut position, numbered).await {
                    return e;
                }
            }
            _ = heartbeat.tick() => {
                if let Err(e) = beat(shared, &mut sink, &mut position).await {
                    return e;
                }
            }
        }
    }
}

/// Applies one message, or reloads when it shows the view may have missed something.
async fn receive(shared: &Shared, position: &mut Position, message: Option<Numbered>) -> Result<(), StoreError> {
    match message {
        Some(Numbered { seq, .. }) if seq <= position.last && !position.resumed => Ok(()),
        Some(Numbered {
            seq,
            event: Event::Revoked(record),
        }) if seq == position.last + 1 => {
            shared.apply_all(std::slice::from_ref(&record)).await;
            position.last = seq;
            position.resumed = true;
            Ok(())
        }
        other => {
            let seq = other.map(|m| m.seq);
            tracing::info!(
                ?seq,
                last = position.last,
                "revocation channel out of step; reloading from the database"
            );
            resynchronise(shared, position).await
        }
    }
}

/// Checks the connection and the counter; sends a resync request this instance owes.
async fn beat(shared: &Shared, sink: &mut PubSubSink, position: &mut Position) -> Result<(), StoreError> {
    // Any answer will do: a subscribed connection answers `["pong", ""]`, not `PONG`.
    let pong = tokio::time::timeout(CALL_TIMEOUT, sink.ping::<redis::Value>()).await;
    if !matches!(pong, Ok(Ok(_))) {
        return Err(StoreError::Unavailable(
            "redis: the subscription connection stopped answering".into(),
        ));
    }
    if shared.owes_resync.swap(false, Ordering::SeqCst)
        && let Err(e) = shared.bus.publish(&Event::Resync).await
    {
        shared.owes_resync.store(true, Ordering::SeqCst);
        tracing::debug!(error = %e, "the resync request could not be published yet");
    }
    // A counter behind this view means Redis lost its data (messages numbered from 1 again
    // would otherwise be skipped as old).
    if shared.bus.last_seq().await? < position.last {
        resynchronise(shared, position).await?;
    }
    Ok(())
}

/// Not live; the counter read, everything reloaded from PostgreSQL; live again.
async fn resynchronise(shared: &Shared, position: &mut Position) -> Result<(), StoreError> {
    shared.freshness.set_live(false);
    position.last = shared.bus.last_seq().await?;
    position.resumed = false;
    shared.reload().await?;
    shared.freshness.set_live(true);
    Ok(())
}

/// Reads the revocations written since the last poll, every poll interval.
pub async fn poll_database(shared: Arc<Shared>) {
    let mut since = crate::infra::clock::now() - POLL_OVERLAP_SECS;
    let mut ticker = tokio::time::interval(shared.poll_interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    let mut failing = false;
    loop {
        ticker.tick().await;
        let (started, clock) = (Instant::now(), crate::infra::clock::now());
        match within_source_timeout(shared.store.revocations_changed_since(since)).await {
            Ok(records) => {
                shared.apply_all(&records).await;
                shared.freshness.polled(started);
                since = clock - POLL_OVERLAP_SECS;
                if failing {
                    tracing::info!("revocation poll of the database works again");
                }
                failing = false;
            }
            Err(e) => {
                shared.freshness.report();
                if !failing {
                    tracing::warn!(error = %e, "revocation poll of the database failed");
                }
                failing = true;
            }
        }
    }
}

//! The revocation channel in Redis: how an instance tells the others about a revocation it
//! has just written to the database, and how the others notice a message they missed.
//!
//! Every message carries the next value of one counter (`<prefix>rev:seq`), taken and
//! published in one Lua script, so Redis publishes them in counter order. A subscriber
//! that sees a number other than the one after its last is missing a message and must
//! resynchronise from PostgreSQL. A connection that drops loses its messages silently,
//! so the subscriber resynchronises after every (re)connection too.

use redis::Script;

use crate::infra::redis::RedisClient;
use crate::infra::store::{RevocationKind, RevocationRecord, StoreError};

/// Takes the next sequence number and publishes it with the message body, atomically.
const PUBLISH_LUA: &str = r"
local seq = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], seq .. '\t' .. ARGV[2])
return seq
";

/// What a message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// One revocation, as written to the database.
    Revoked(RevocationRecord),
    /// An instance failed to publish a revocation earlier: every subscriber reloads.
    Resync,
}

/// A message as received: its sequence number and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    pub seq: u64,
    pub event: Event,
}

/// The channel and counter of one deployment.
pub struct Bus {
    redis: RedisClient,
    publish: Script,
    /// `<prefix>rev:seq`.
    pub counter: String,
    /// `<prefix>rev:events`.
    pub channel: String,
}

impl Bus {
    pub fn new(redis: RedisClient) -> Self {
        Bus {
            counter: redis.key("rev:seq"),
            channel: redis.key("rev:events"),
            publish: Script::new(PUBLISH_LUA),
            redis,
        }
    }

    pub fn redis(&self) -> &RedisClient {
        &self.redis
    }

    /// Publishes `event` under the next sequence number.
    pub async fn publish(&self, event: &Event) -> Result<u64, StoreError> {
        let mut invocation = self.publish.prepare_invoke();
        invocation.key(&self.counter).arg(&self.channel).arg(encode(event));
        self.redis.script(&invocation).await
    }

    /// The last sequence number taken (0 when Redis has none, e.g. after a restart).
    pub async fn last_seq(&self) -> Result<u64, StoreError> {
        let seq: Option<u64> = self.redis.query(redis::cmd("GET").arg(&self.counter)).await?;
        Ok(seq.unwrap_or(0))
    }
}

/// `kind \t cutoff-or-"-" \t expires_at \t key` (the key last: it may contain tabs), or
/// `resync`.
fn encode(event: &Event) -> String {
    match event {
        Event::Resync => "resync".to_string(),
        Event::Revoked(r) => {
            let cutoff = r.cutoff.map_or_else(|| "-".to_string(), |c| c.to_string());
            format!("{}\t{cutoff}\t{}\t{}", r.kind.as_str(), r.expires_at, r.key)
        }
    }
}

/// Reads a message payload; `None` when it is not one this version writes (the subscriber
/// then resynchronises rather than guess).
pub fn decode(payload: &str) -> Option<Numbered> {
    let (seq, body) = payload.split_once('\t')?;
    let seq = seq.parse().ok()?;
    if body == "resync" {
        return Some(Numbered { seq, event: Event::Resync });
    }
    let mut fields = body.splitn(4, '\t');
    let kind = RevocationKind::parse(fields.next()?)?;
    let cutoff = match fields.next()? {
        "-" => None,
        c => Some(c.parse().ok()?),
    };
    let expires_at = fields.next()?.parse().ok()?;
    let key = fields.next()?.to_string();
    Some(Numbered {
        seq,
        event: Event::Revoked(RevocationRecord {
            kind,
            key,
            cutoff,
            expires_at,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(seq: u64, event: &Event) -> String {
        format!("{seq}\t{}", encode(event))
    }

    #[test]
    fn every_event_reads_back_as_written() {
        let events = [
            Event::Resync,
            Event::Revoked(RevocationRecord {
                kind: RevocationKind::User,
                key: "42".into(),
                cutoff: Some(1_700_000_000),
                expires_at: 1_800_000_000,
            }),
            Event::Revoked(RevocationRecord {
                kind: RevocationKind::Token,
                key: "a\tjti with a tab".into(),
                cutoff: None,
                expires_at: i64::MAX,
            }),
        ];
        for (seq, event) in events.into_iter().enumerate() {
            let seq = seq as u64 + 1;
            assert_eq!(decode(&numbered(seq, &event)), Some(Numbered { seq, event }));
        }
    }

    #[test]
    fn a_message_it_cannot_read_is_refused_not_guessed() {
        for payload in ["", "x\tresync", "3", "3\tgroup\t-\t5\tk", "3\ttoken\tsoon\t5\tk", "3\ttoken\t-\t5"] {
            assert_eq!(decode(payload), None, "{payload:?}");
        }
    }
}

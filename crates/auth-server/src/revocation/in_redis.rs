//! The revocation mirror in Redis, shared by every instance. Keys (under the deployment
//! prefix): `rev:jti:<jti>`, `rev:sid:<sid>`, `rev:user:<id>` (value: the cut-off time),
//! each expiring when what it blocks has expired; `rev:loaded` marks that the mirror
//! holds everything the database holds. A check is one `MGET` of the token's three keys
//! and the marker, sent in one pipeline with the checks of the other requests in flight
//! at that moment (`combined.rs`). When the marker is missing (Redis restarted empty, or
//! this is the first start) the mirror is rebuilt from the database before answering, so
//! a Redis that lost its data never lets a revoked token through.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use jwt_extended::DecodedToken;
use redis::Script;

use super::Mirror;
use super::combined::Combiner;
use crate::redis_client::RedisClient;
use crate::store::{DynStore, RevocationKind, RevocationRecord, StoreError};

/// Longest TTL written (entries "kept forever" are kept ten years).
const MAX_TTL: i64 = 10 * 365 * 86_400;
/// Records written per script call while rebuilding.
const REBUILD_CHUNK: usize = 500;

/// For each key: keep the larger value and the longer TTL (a later revocation never
/// shortens or lowers an earlier one). ARGV holds value, ttl pairs.
const MERGE_LUA: &str = r"
for i, key in ipairs(KEYS) do
  local value = tonumber(ARGV[2 * i - 1])
  local ttl = tonumber(ARGV[2 * i])
  local current = tonumber(redis.call('GET', key) or '')
  local left = redis.call('TTL', key)
  if current ~= nil and current > value then value = current end
  if left > ttl then ttl = left end
  redis.call('SET', key, value, 'EX', ttl)
end
return #KEYS
";

/// Revocations held in Redis.
pub struct RedisMirror {
    redis: RedisClient,
    store: DynStore,
    merge: Script,
    keys: KeyNames,
    /// Checks in flight together share a pipeline.
    lookups: Combiner<Lookup, LookupValues>,
    /// A write reached the database but not Redis: rebuild before the next check.
    stale: AtomicBool,
}

/// The key names, prefix included, built once: every check needs four of them, and
/// building them with nested `format!`s made a `/secret` request with Redis cost 94.2k
/// instructions instead of 86.9k (callgrind, `bench/profile.sh`).
struct KeyNames {
    jti: String,
    sid: String,
    user: String,
    marker: String,
    /// A key that is never set, read in place of a claim the token lacks.
    none: String,
}

impl KeyNames {
    fn new(redis: &RedisClient) -> Self {
        KeyNames {
            jti: redis.key("rev:jti:"),
            sid: redis.key("rev:sid:"),
            user: redis.key("rev:user:"),
            marker: redis.key("rev:loaded"),
            none: redis.key("rev:none"),
        }
    }

    fn record(&self, kind: RevocationKind, key: &str) -> String {
        let prefix = match kind {
            RevocationKind::Token => &self.jti,
            RevocationKind::Session => &self.sid,
            RevocationKind::User => &self.user,
        };
        let mut name = String::with_capacity(prefix.len() + key.len());
        name.push_str(prefix);
        name.push_str(key);
        name
    }
}

impl RedisMirror {
    /// A mirror in `redis`, rebuilt from `store` whenever Redis lost it.
    pub fn new(redis: RedisClient, store: DynStore) -> Self {
        RedisMirror {
            keys: KeyNames::new(&redis),
            redis,
            store,
            merge: Script::new(MERGE_LUA),
            lookups: Combiner::default(),
            stale: AtomicBool::new(false),
        }
    }

    /// Writes `records` (value and TTL merged with what is there).
    async fn write(&self, records: &[RevocationRecord]) -> Result<(), StoreError> {
        let now = crate::clock::now();
        for chunk in records.chunks(REBUILD_CHUNK) {
            let mut invocation = self.merge.prepare_invoke();
            let mut any = false;
            for r in chunk {
                let ttl = r.expires_at.saturating_sub(now).min(MAX_TTL);
                if ttl <= 0 {
                    continue;
                }
                any = true;
                invocation.key(self.keys.record(r.kind, &r.key)).arg(r.cutoff.unwrap_or(1)).arg(ttl);
            }
            if any {
                let _: i64 = self.redis.script(&invocation).await?;
            }
        }
        Ok(())
    }

    /// Copies every revocation in force from the database, then sets the marker.
    async fn rebuild(&self) -> Result<(), StoreError> {
        let records = self.store.load_revocations(crate::clock::now()).await?;
        self.write(&records).await?;
        let _: () = self.redis.query(redis::cmd("SET").arg(&self.keys.marker).arg(1)).await?;
        tracing::info!(entries = records.len(), "revocation mirror rebuilt in Redis from the database");
        Ok(())
    }

    async fn lookup(&self, token: &DecodedToken) -> Result<Option<bool>, StoreError> {
        let claims = &token.claims;
        let query = || {
            let keys = &self.keys;
            let identity = match claims.identity() {
                serde_json::Value::String(s) => Cow::Borrowed(s.as_str()),
                other => Cow::Owned(other.to_string()),
            };
            Lookup {
                jti: claims.jti().map(|j| keys.record(RevocationKind::Token, j)),
                sid: claims.session_id().map(|s| keys.record(RevocationKind::Session, s)),
                user: keys.record(RevocationKind::User, &identity),
            }
        };
        let [jti, sid, user, marker] = self.lookups.run(query, |batch| self.fetch(batch)).await?;
        if marker.is_none() {
            return Ok(None);
        }
        let before_cutoff = user.is_some_and(|cutoff| claims.issued_at().is_none_or(|iat| iat <= cutoff));
        Ok(Some(jti.is_some() || sid.is_some() || before_cutoff))
    }

    /// One `MGET` per lookup, sent as one pipeline.
    async fn fetch(&self, batch: Vec<Lookup>) -> Result<Vec<LookupValues>, StoreError> {
        let keys = &self.keys;
        // Sized up front: growing the buffers showed up as a tenth of the Redis client's cost.
        let mut pipe = redis::Pipeline::with_capacity(batch.len());
        for lookup in &batch {
            let names: [&str; 4] = [
                lookup.jti.as_deref().unwrap_or(&keys.none),
                lookup.sid.as_deref().unwrap_or(&keys.none),
                &lookup.user,
                &keys.marker,
            ];
            let mut mget = redis::Cmd::with_capacity(1 + names.len(), 4 + names.iter().map(|n| n.len()).sum::<usize>());
            mget.arg("MGET").arg(&names[..]);
            pipe.add_command(mget);
        }
        let answers: Vec<Vec<Option<i64>>> = self.redis.pipeline(&pipe).await?;
        answers
            .into_iter()
            .map(|values| {
                <LookupValues>::try_from(values)
                    .map_err(|values| StoreError::Unavailable(format!("redis: MGET answered {} values", values.len())))
            })
            .collect()
    }
}

/// The keys of one token's check (the marker is added when sending).
struct Lookup {
    jti: Option<String>,
    sid: Option<String>,
    user: String,
}

/// What `MGET` found for a [`Lookup`]: token, session, user cut-off, marker.
type LookupValues = [Option<i64>; 4];

#[async_trait]
impl Mirror for RedisMirror {
    async fn apply(&self, record: &RevocationRecord) -> Result<(), StoreError> {
        let result = self.write(std::slice::from_ref(record)).await;
        if result.is_err() {
            // The database has it; make sure this instance rebuilds before trusting Redis.
            self.stale.store(true, Ordering::SeqCst);
        }
        result
    }

    async fn check(&self, token: &DecodedToken) -> Result<bool, StoreError> {
        if !self.stale.load(Ordering::SeqCst)
            && let Some(revoked) = self.lookup(token).await?
        {
            return Ok(revoked);
        }
        // Cleared before reading the database: a write failing meanwhile sets it again.
        self.stale.store(false, Ordering::SeqCst);
        if let Err(e) = self.rebuild().await {
            self.stale.store(true, Ordering::SeqCst);
            return Err(e);
        }
        self.lookup(token)
            .await?
            .ok_or_else(|| StoreError::Unavailable("redis: the revocation mirror vanished while rebuilding".into()))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.redis.ping().await
    }
}

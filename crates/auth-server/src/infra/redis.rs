//! The shared Redis connection (`AUTH_REDIS_URL`): one auto-reconnecting multiplexed
//! `ConnectionManager` (cloned per call, never locked), every call bounded by
//! [`CALL_TIMEOUT`] so an outage answers 503 instead of hanging, and every key under
//! the deployment's prefix so several deployments (or test runs) can share one Redis.
//! Subscriptions (the revocation channel) get a dedicated connection of their own, since
//! a subscribed connection can run no other command.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig, PubSubSink, PubSubStream};
use redis::{FromRedisValue, Pipeline, RedisError};

use crate::infra::store::StoreError;

/// Longest one command (or pipeline) may take, connecting included.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(2);

/// A handle to Redis; cheap to clone.
#[derive(Clone)]
pub struct RedisClient {
    client: redis::Client,
    conn: ConnectionManager,
    prefix: String,
}

impl std::fmt::Debug for RedisClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisClient").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("redis: {e}"))
}

impl RedisClient {
    /// A client for `url` whose keys start with `prefix`. It connects lazily: start-up
    /// does not fail while Redis is down (requests needing it answer 503 until it is back).
    pub fn new(url: &str, prefix: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(CALL_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), config).map_err(unavailable)?;
        Ok(RedisClient {
            client,
            conn,
            prefix: prefix.to_string(),
        })
    }

    /// `<prefix><name>`.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Runs one command within [`CALL_TIMEOUT`].
    pub async fn query<T: FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        bounded(cmd.query_async(&mut conn)).await
    }

    /// Runs a pipeline (atomically when built with `.atomic()`) within [`CALL_TIMEOUT`].
    pub async fn pipeline<T: FromRedisValue>(&self, pipe: &Pipeline) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        bounded(pipe.query_async(&mut conn)).await
    }

    /// Runs a Lua script within [`CALL_TIMEOUT`].
    pub async fn script<T: FromRedisValue>(&self, invocation: &redis::ScriptInvocation<'_>) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        bounded(invocation.invoke_async(&mut conn)).await
    }

    /// A new connection subscribed to `channel` (a full name, prefix included), connecting
    /// and subscribing within [`CALL_TIMEOUT`]. The sink answers pings on the same
    /// connection; the stream ends when the connection is lost.
    pub async fn subscribe(&self, channel: &str) -> Result<(PubSubSink, PubSubStream), StoreError> {
        let subscribed = async {
            let (mut sink, stream) = self.client.get_async_pubsub().await?.split();
            sink.subscribe(channel).await?;
            Ok((sink, stream))
        };
        bounded(subscribed).await
    }

    /// Answers when Redis does (`/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let pong: String = self.query(&redis::cmd("PING")).await?;
        if pong == "PONG" {
            Ok(())
        } else {
            Err(unavailable(format!("unexpected PING answer {pong:?}")))
        }
    }
}

async fn bounded<T>(call: impl Future<Output = Result<T, RedisError>>) -> Result<T, StoreError> {
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(result) => result.map_err(unavailable),
        Err(_) => Err(unavailable("timed out")),
    }
}

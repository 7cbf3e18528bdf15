//! The scale-out backend: PostgreSQL, shared by every instance. A bounded pool (acquiring
//! a connection waits at most [`ACQUIRE_TIMEOUT`], statements at most
//! [`STATEMENT_TIMEOUT`]) so a database outage answers 503 instead of hanging; the pool
//! re-connects by itself when the database returns. Refresh rotation is one conditional
//! `UPDATE`, atomic across instances. Queries are built at run time.

use std::str::FromStr;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::infra::store::sql::sql_store;
use crate::infra::store::{RotateOutcome, Rotation, StoreError};

/// Longest wait for a pooled connection (including connecting) before answering 503.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// Longest a statement may run on the server.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://` or `postgresql://`) and applies the migrations
    /// (sqlx takes an advisory lock, so instances starting together migrate once).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let statement_timeout = format!("{}ms", STATEMENT_TIMEOUT.as_millis());
        let options = PgConnectOptions::from_str(url)?
            .application_name("auth-server")
            .options([("statement_timeout", statement_timeout.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .min_connections(0)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .idle_timeout(Duration::from_secs(300))
            .test_before_acquire(true)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        sql_impl::backfill_username_keys(&pool).await?;
        Ok(PostgresStore { pool })
    }

    /// One rotation on a pooled connection (PostgreSQL commits concurrent transactions
    /// together by itself).
    async fn rotate(&self, rotation: Rotation) -> Result<RotateOutcome, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(sql_impl::rotate_on(&mut conn, &rotation).await?)
    }

    /// Closes every pooled connection (tests drop their database afterwards).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

sql_store!(PostgresStore, sqlx::Postgres);

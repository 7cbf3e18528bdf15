//! The scale-out backend: PostgreSQL, shared by every instance. A bounded pool (acquiring
//! a connection waits at most [`ACQUIRE_TIMEOUT`], statements at most
//! [`STATEMENT_TIMEOUT`]) so a database outage answers 503 instead of hanging; the pool
//! re-connects by itself when the database returns. Refresh rotation is one conditional
//! `UPDATE`, atomic across instances. Every other statement is the SQL shared with SQLite
//! (`sql.rs`). Queries are built at run time.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres};

use super::rows::{LiveSessionRow, not_rotated};
use super::sql::{SqlBackend, backfill_username_keys};
use super::{RotateOutcome, Rotation, StoreError};

/// Longest wait for a pooled connection (including connecting) before answering 503.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// Longest a statement may run on the server.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The PostgreSQL store: a [`super::Store`] through `SqlBackend` (the shared SQL of `sql.rs`).
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
        backfill_username_keys(&pool).await?;
        Ok(PostgresStore { pool })
    }

    /// Closes every pooled connection (tests drop their database afterwards).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl SqlBackend for PostgresStore {
    type Db = Postgres;

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// One rotation on a pooled connection (PostgreSQL commits concurrent transactions
    /// together by itself).
    async fn rotate(&self, rotation: Rotation) -> Result<RotateOutcome, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(rotate_on(&mut conn, &rotation).await?)
    }
}

/// The rotation compare-and-swap: only the request that still holds the current jti
/// changes the row. READ COMMITTED makes a concurrent UPDATE of the row wait for the first
/// to commit and re-check the WHERE clause against the new row, where `refresh_jti` no
/// longer matches: exactly one caller wins, whichever instance it runs on.
async fn rotate_on(conn: &mut PgConnection, r: &Rotation) -> Result<RotateOutcome, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sessions SET refresh_jti = $1, previous_jti = refresh_jti, rotated_at = $2, last_used_at = $2, expires_at = $3 \
         WHERE id = $4 AND refresh_jti = $5 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(&r.next_jti)
    .bind(r.now)
    .bind(r.expires_at)
    .bind(&r.session_id)
    .bind(&r.presented_jti)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(RotateOutcome::Rotated);
    }
    let live: Option<LiveSessionRow> = sqlx::query_as(
        "SELECT refresh_jti, previous_jti, rotated_at, expires_at FROM sessions \
         WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(&r.session_id)
    .bind(r.now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(not_rotated(live, &r.presented_jti))
}

//! The embedded default backend: one SQLite file in WAL mode with `synchronous=FULL`, so
//! an acknowledged write survives a crash or power loss. Queries are built at run time
//! (no database needed at compile time); they are shared with PostgreSQL (`sql.rs`),
//! except refresh-token rotations, the one write on a hot path: the pool serves every other
//! statement, rotations go through a single writer that commits them in groups
//! (`group_commit.rs`).

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Sqlite, SqlitePool};

use super::group_commit::GroupCommit;
use super::sql::{SqlBackend, backfill_username_keys};
use super::{RotateOutcome, Rotation, StoreError};

/// The SQLite store: a [`super::Store`] through `SqlBackend` (the shared SQL of `sql.rs`).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    rotations: GroupCommit,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and applies the migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?;
        create_private(options.get_filename()).map_err(|e| StoreError::Unavailable(format!("creating the database file: {e}")))?;
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        backfill_username_keys(&pool).await?;
        let rotations = GroupCommit::start(options.connect().await?);
        Ok(SqliteStore { pool, rotations })
    }
}

impl SqlBackend for SqliteStore {
    type Db = Sqlite;

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn rotate(&self, rotation: Rotation) -> Result<RotateOutcome, StoreError> {
        self.rotations.rotate(rotation).await
    }
}

/// Creates the database file readable only by its owner (0600) when it does not exist:
/// it holds password hashes and sessions. SQLite gives its `-wal` and `-shm` files the
/// mode of the database file.
fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        // Another process created it meanwhile.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

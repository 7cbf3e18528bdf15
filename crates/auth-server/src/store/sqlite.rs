//! The embedded default backend: one SQLite file in WAL mode with `synchronous=FULL`, so
//! an acknowledged write survives a crash or power loss. Queries are built at run time
//! (no database needed at compile time).

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use super::{
    Item, NewItem, NewSession, NewUser, RevocationKind, RevocationRecord, Role, RotateOutcome, Session, Store, StoreError, User, UserUpdate,
};

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

const USER_COLUMNS: &str = "id, username, password_hash, role, email, mobile, age, birth, created_at, updated_at";
const SESSION_COLUMNS: &str = "id, user_id, refresh_jti, created_at, last_used_at, expires_at, user_agent, ip, revoked_at";

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and applies the migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(SqliteStore { pool })
    }
}

fn user_from_row(row: &SqliteRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::parse(row.try_get::<&str, _>("role")?),
        email: row.try_get("email")?,
        mobile: row.try_get("mobile")?,
        age: row.try_get("age")?,
        birth: row.try_get("birth")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn session_from_row(row: &SqliteRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        refresh_jti: row.try_get("refresh_jti")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        expires_at: row.try_get("expires_at")?,
        user_agent: row.try_get("user_agent")?,
        ip: row.try_get("ip")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

fn conflict_on_unique(e: sqlx::Error, what: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
        _ => e.into(),
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn create_user(&self, u: NewUser) -> Result<User, StoreError> {
        let sql = format!(
            "INSERT INTO users (username, password_hash, role, email, mobile, age, birth, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {USER_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(&u.username)
            .bind(&u.password_hash)
            .bind(u.role.as_str())
            .bind(&u.email)
            .bind(&u.mobile)
            .bind(u.age)
            .bind(&u.birth)
            .bind(u.now)
            .bind(u.now)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| conflict_on_unique(e, "username"))?;
        Ok(user_from_row(&row)?)
    }

    async fn upsert_admin(&self, username: &str, password_hash: &str) -> Result<User, StoreError> {
        let now = crate::clock::now();
        let sql = format!(
            "INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES (?, ?, 'admin', ?, ?) \
             ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = 'admin', updated_at = excluded.updated_at \
             RETURNING {USER_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(username)
            .bind(password_hash)
            .bind(now)
            .bind(now)
            .fetch_one(&self.pool)
            .await?;
        Ok(user_from_row(&row)?)
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?");
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?");
        let row = sqlx::query(&sql).bind(username).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    async fn list_users(&self, after: Option<i64>, limit: u32) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id > ? ORDER BY id LIMIT ?");
        let rows = sqlx::query(&sql)
            .bind(after.unwrap_or(0))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(user_from_row).collect::<Result<_, _>>()?)
    }

    async fn update_user(&self, id: i64, u: UserUpdate) -> Result<Option<User>, StoreError> {
        // COALESCE keeps a column when its "present" flag is 0.
        let sql = format!(
            "UPDATE users SET \
               email  = CASE WHEN ? THEN ? ELSE email END, \
               mobile = CASE WHEN ? THEN ? ELSE mobile END, \
               age    = CASE WHEN ? THEN ? ELSE age END, \
               birth  = CASE WHEN ? THEN ? ELSE birth END, \
               role   = COALESCE(?, role), \
               updated_at = ? \
             WHERE id = ? RETURNING {USER_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(u.email.is_some())
            .bind(u.email.flatten())
            .bind(u.mobile.is_some())
            .bind(u.mobile.flatten())
            .bind(u.age.is_some())
            .bind(u.age.flatten())
            .bind(u.birth.is_some())
            .bind(u.birth.flatten())
            .bind(u.role.map(Role::as_str))
            .bind(u.now)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    async fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?")
            .bind(password_hash)
            .bind(crate::clock::now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_user(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM users WHERE id = ?").bind(id).execute(&self.pool).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn create_session(&self, s: NewSession) -> Result<Session, StoreError> {
        let sql = format!(
            "INSERT INTO sessions (id, user_id, refresh_jti, created_at, last_used_at, expires_at, user_agent, ip) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {SESSION_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(&s.id)
            .bind(s.user_id)
            .bind(&s.refresh_jti)
            .bind(s.now)
            .bind(s.now)
            .bind(s.expires_at)
            .bind(&s.user_agent)
            .bind(&s.ip)
            .fetch_one(&self.pool)
            .await?;
        Ok(session_from_row(&row)?)
    }

    async fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?");
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(session_from_row).transpose()?)
    }

    async fn active_sessions(&self, user_id: i64, now: i64) -> Result<Vec<Session>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id DESC"
        );
        let rows = sqlx::query(&sql).bind(user_id).bind(now).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(session_from_row).collect::<Result<_, _>>()?)
    }

    async fn rotate_session(
        &self,
        id: &str,
        presented_jti: &str,
        next_jti: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<RotateOutcome, StoreError> {
        // A single conditional UPDATE is the compare-and-swap: only the request that still
        // holds the current jti changes the row.
        let done = sqlx::query(
            "UPDATE sessions SET refresh_jti = ?, last_used_at = ?, expires_at = ? \
             WHERE id = ? AND refresh_jti = ? AND revoked_at IS NULL AND expires_at > ?",
        )
        .bind(next_jti)
        .bind(now)
        .bind(expires_at)
        .bind(id)
        .bind(presented_jti)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(RotateOutcome::Rotated);
        }
        let live: Option<i64> = sqlx::query_scalar("SELECT 1 FROM sessions WHERE id = ? AND revoked_at IS NULL AND expires_at > ?")
            .bind(id)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(if live.is_some() {
            RotateOutcome::Reused
        } else {
            RotateOutcome::Gone
        })
    }

    async fn revoke_session(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_user_sessions(&self, user_id: i64, keep: Option<&str>, now: i64) -> Result<Vec<Session>, StoreError> {
        let sql = format!(
            "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? AND id IS NOT ? RETURNING {SESSION_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(now)
            .bind(user_id)
            .bind(now)
            .bind(keep)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(session_from_row).collect::<Result<_, _>>()?)
    }

    async fn add_revocation(&self, r: RevocationRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO revocations (kind, key, cutoff, expires_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (kind, key) DO UPDATE SET cutoff = MAX(COALESCE(cutoff, excluded.cutoff), COALESCE(excluded.cutoff, cutoff)), \
             expires_at = MAX(expires_at, excluded.expires_at)",
        )
        .bind(r.kind.as_str())
        .bind(&r.key)
        .bind(r.cutoff)
        .bind(r.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn load_revocations(&self, now: i64) -> Result<Vec<RevocationRecord>, StoreError> {
        let rows = sqlx::query("SELECT kind, key, cutoff, expires_at FROM revocations WHERE expires_at >= ?")
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(kind) = RevocationKind::parse(row.try_get::<&str, _>("kind")?) else {
                continue;
            };
            records.push(RevocationRecord {
                kind,
                key: row.try_get("key")?,
                cutoff: row.try_get("cutoff")?,
                expires_at: row.try_get("expires_at")?,
            });
        }
        Ok(records)
    }

    async fn prune(&self, now: i64) -> Result<u64, StoreError> {
        let revocations = sqlx::query("DELETE FROM revocations WHERE expires_at < ?")
            .bind(now)
            .execute(&self.pool)
            .await?;
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < ?")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(revocations.rows_affected() + sessions.rows_affected())
    }

    async fn list_items(&self) -> Result<Vec<Item>, StoreError> {
        let rows = sqlx::query("SELECT name, price, owner_id FROM items ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Item {
                    name: r.try_get("name")?,
                    price: r.try_get("price")?,
                    owner_id: r.try_get("owner_id")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    async fn create_item(&self, item: NewItem) -> Result<Item, StoreError> {
        sqlx::query("INSERT INTO items (name, price, owner_id) VALUES (?, ?, ?)")
            .bind(&item.name)
            .bind(item.price)
            .bind(item.owner_id)
            .execute(&self.pool)
            .await
            .map_err(|e| conflict_on_unique(e, "item"))?;
        Ok(Item {
            name: item.name,
            price: item.price,
            owner_id: item.owner_id,
        })
    }

    async fn delete_item(&self, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM items WHERE name = ?")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

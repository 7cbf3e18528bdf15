//! The SQL both backends run, written once as one generic [`Store`] implementation: every
//! store that implements [`SqlBackend`] (SQLite, PostgreSQL) gets it, monomorphised for
//! its sqlx database, so the backends differ only in how they connect and how they apply
//! a refresh rotation (SQLite's group commit, PostgreSQL's single statement). The
//! statements are portable between the two: `$N` placeholders (sqlx-sqlite reads them as
//! positions), `CAST(.. AS ..)`, `RETURNING`, `IS DISTINCT FROM`, `ON CONFLICT .. DO
//! UPDATE`.
//!
//! The `where` clauses state what the statements need from a database (binding the
//! column types, decoding the rows, counting changed rows); the compiler checks them for
//! each backend where its store is used as a [`Store`], so a statement binding a type one
//! database cannot take fails to build rather than at run time.

use std::future::Future;

use async_trait::async_trait;
use sqlx::postgres::PgQueryResult;
use sqlx::sqlite::SqliteQueryResult;
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};

use super::rows::{ItemRow, RevocationRow, SessionRow, UserRow, revocation_records};
use super::{
    Item, NewItem, NewSession, NewUser, RevocationRecord, Role, RotateOutcome, Rotation, Session, Store, StoreError, User, UserUpdate,
    conflict_on_unique,
};
use crate::infra::usernames::username_key;

/// The columns of a [`super::User`].
const USER_COLUMNS: &str = "id, username, password_hash, role, email, mobile, age, birth, disabled, created_at, updated_at";
/// The columns of a [`super::Session`].
const SESSION_COLUMNS: &str = "id, user_id, refresh_jti, created_at, last_used_at, expires_at, user_agent, ip, revoked_at, persistent";

/// What differs between the SQL stores; the rest of [`Store`] is the shared SQL below.
pub trait SqlBackend: Send + Sync + 'static {
    /// The sqlx database the store runs on.
    type Db: Database;

    /// The pool the shared statements run on.
    fn pool(&self) -> &Pool<Self::Db>;

    /// Applies one refresh rotation durably: the compare-and-swap of [`Store::rotate_session`],
    /// the one write on a hot path, which each backend commits its own way.
    fn rotate(&self, rotation: Rotation) -> impl Future<Output = Result<RotateOutcome, StoreError>> + Send;
}

/// How many rows a statement changed: each sqlx database's result has its own method.
pub trait RowsAffected {
    /// Rows inserted, updated or deleted.
    fn rows_affected(&self) -> u64;
}

impl RowsAffected for SqliteQueryResult {
    fn rows_affected(&self) -> u64 {
        SqliteQueryResult::rows_affected(self)
    }
}

impl RowsAffected for PgQueryResult {
    fn rows_affected(&self) -> u64 {
        PgQueryResult::rows_affected(self)
    }
}

/// Gives every user without a canonical key (rows from before migration 0003) its key,
/// oldest account first. Where an older account already holds the key, the newer one keeps
/// none: both stay (nothing is lost), the collision is logged with both ids at every start
/// until an administrator renames the newer one, and until then no spelling of the name
/// logs into it.
pub async fn backfill_username_keys<DB>(pool: &Pool<DB>) -> Result<(), StoreError>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    i64: for<'q> Encode<'q, DB> + Type<DB>,
    String: for<'q> Encode<'q, DB> + Type<DB>,
{
    let pending: Vec<(i64, String)> = sqlx::query_as("SELECT id, username FROM users WHERE username_key IS NULL ORDER BY id")
        .fetch_all(pool)
        .await?;
    for (id, username) in pending {
        let key = username_key(&username);
        let written = sqlx::query("UPDATE users SET username_key = $1 WHERE id = $2")
            .bind(&key)
            .bind(id)
            .execute(pool)
            .await;
        match written.map_err(|e| conflict_on_unique(e, "username")) {
            Ok(_) => {}
            Err(StoreError::Conflict(_)) => {
                let holder: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username_key = $1")
                    .bind(&key)
                    .fetch_optional(pool)
                    .await?;
                tracing::warn!(
                    user_id = id,
                    colliding_with = holder,
                    "two accounts have the same canonical username (RFC 8265): the newer one cannot log in until an administrator renames it"
                );
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `text` as a `LIKE` operand matching itself literally (`\\` escapes `%`, `_` and
/// itself), so a search for `a_b` does not match `axb`.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn users(rows: Vec<UserRow>) -> Vec<User> {
    rows.into_iter().map(User::from).collect()
}

fn sessions(rows: Vec<SessionRow>) -> Vec<Session> {
    rows.into_iter().map(Session::from).collect()
}

#[async_trait]
impl<S, DB> Store for S
where
    S: SqlBackend<Db = DB>,
    DB: Database<QueryResult: RowsAffected>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> UserRow: FromRow<'r, DB::Row>,
    for<'r> SessionRow: FromRow<'r, DB::Row>,
    for<'r> RevocationRow: FromRow<'r, DB::Row>,
    for<'r> ItemRow: FromRow<'r, DB::Row>,
    i64: for<'q> Encode<'q, DB> + Type<DB>,
    Option<i64>: for<'q> Encode<'q, DB>,
    bool: for<'q> Encode<'q, DB> + Type<DB>,
    Option<bool>: for<'q> Encode<'q, DB>,
    f64: for<'q> Encode<'q, DB> + Type<DB>,
    String: for<'q> Encode<'q, DB> + Type<DB>,
    Option<String>: for<'q> Encode<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB>,
{
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    async fn create_user(&self, u: NewUser) -> Result<User, StoreError> {
        let sql = format!(
            "INSERT INTO users (username, password_hash, role, email, mobile, age, birth, created_at, updated_at, username_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING {USER_COLUMNS}"
        );
        let row: UserRow = sqlx::query_as(&sql)
            .bind(u.username.as_str())
            .bind(u.password_hash.as_str())
            .bind(u.role.as_str())
            .bind(u.email)
            .bind(u.mobile)
            .bind(u.age)
            .bind(u.birth)
            .bind(u.now)
            .bind(username_key(&u.username))
            .fetch_one(self.pool())
            .await
            .map_err(|e| conflict_on_unique(e, "username"))?;
        Ok(row.into())
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: Option<UserRow> = sqlx::query_as(&sql).bind(id).fetch_optional(self.pool()).await?;
        Ok(row.map(User::from))
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username_key = $1");
        let row: Option<UserRow> = sqlx::query_as(&sql)
            .bind(username_key(username))
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(User::from))
    }

    async fn list_users(&self, after: Option<i64>, limit: u32, search: Option<&str>) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id > $1 \
               AND (CAST($3 AS TEXT) IS NULL OR LOWER(username) LIKE '%' || LOWER(CAST($3 AS TEXT)) || '%' ESCAPE '\\') \
             ORDER BY id LIMIT $2"
        );
        let rows: Vec<UserRow> = sqlx::query_as(&sql)
            .bind(after.unwrap_or(0))
            .bind(i64::from(limit))
            .bind(search.map(like_pattern))
            .fetch_all(self.pool())
            .await?;
        Ok(users(rows))
    }

    async fn update_user(&self, id: i64, u: UserUpdate) -> Result<Option<User>, StoreError> {
        // Each optional column comes with a "present" flag; absent fields keep their value.
        let sql = format!(
            "UPDATE users SET \
               email  = CASE WHEN $1 THEN CAST($2 AS TEXT) ELSE email END, \
               mobile = CASE WHEN $3 THEN CAST($4 AS TEXT) ELSE mobile END, \
               age    = CASE WHEN $5 THEN CAST($6 AS BIGINT) ELSE age END, \
               birth  = CASE WHEN $7 THEN CAST($8 AS TEXT) ELSE birth END, \
               role   = COALESCE(CAST($9 AS TEXT), role), \
               disabled = COALESCE(CAST($12 AS BOOLEAN), disabled), \
               updated_at = $10 \
             WHERE id = $11 RETURNING {USER_COLUMNS}"
        );
        let row: Option<UserRow> = sqlx::query_as(&sql)
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
            .bind(u.disabled)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(User::from))
    }

    async fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(crate::infra::clock::now())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn delete_user(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(self.pool()).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn create_session(&self, s: NewSession) -> Result<Session, StoreError> {
        let sql = format!(
            "INSERT INTO sessions (id, user_id, refresh_jti, created_at, last_used_at, expires_at, user_agent, ip, persistent) \
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8) RETURNING {SESSION_COLUMNS}"
        );
        let row: SessionRow = sqlx::query_as(&sql)
            .bind(s.id)
            .bind(s.user_id)
            .bind(s.refresh_jti)
            .bind(s.now)
            .bind(s.expires_at)
            .bind(s.user_agent)
            .bind(s.ip)
            .bind(s.persistent)
            .fetch_one(self.pool())
            .await?;
        Ok(row.into())
    }

    async fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
        let row: Option<SessionRow> = sqlx::query_as(&sql).bind(id).fetch_optional(self.pool()).await?;
        Ok(row.map(Session::from))
    }

    async fn active_sessions(&self, user_id: i64, now: i64) -> Result<Vec<Session>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 \
             ORDER BY created_at DESC, id DESC"
        );
        let rows: Vec<SessionRow> = sqlx::query_as(&sql).bind(user_id).bind(now).fetch_all(self.pool()).await?;
        Ok(sessions(rows))
    }

    async fn rotate_session(&self, rotation: Rotation) -> Result<RotateOutcome, StoreError> {
        self.rotate(rotation).await
    }

    async fn revoke_session(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_user_sessions(&self, user_id: i64, keep: Option<&str>, now: i64) -> Result<Vec<Session>, StoreError> {
        let sql = format!(
            "UPDATE sessions SET revoked_at = $1 \
             WHERE user_id = $2 AND revoked_at IS NULL AND expires_at > $1 AND id IS DISTINCT FROM CAST($3 AS TEXT) \
             RETURNING {SESSION_COLUMNS}"
        );
        let rows: Vec<SessionRow> = sqlx::query_as(&sql)
            .bind(now)
            .bind(user_id)
            .bind(keep)
            .fetch_all(self.pool())
            .await?;
        Ok(sessions(rows))
    }

    async fn add_revocation(&self, r: RevocationRecord) -> Result<(), StoreError> {
        // The later cut-off (a missing one never wins) and the later expiry win.
        sqlx::query(
            "INSERT INTO revocations (kind, key, cutoff, expires_at, changed_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (kind, key) DO UPDATE SET changed_at = excluded.changed_at, \
               cutoff = CASE WHEN revocations.cutoff IS NULL OR excluded.cutoff > revocations.cutoff \
                             THEN COALESCE(excluded.cutoff, revocations.cutoff) ELSE revocations.cutoff END, \
               expires_at = CASE WHEN excluded.expires_at > revocations.expires_at \
                                 THEN excluded.expires_at ELSE revocations.expires_at END",
        )
        .bind(r.kind.as_str())
        .bind(r.key)
        .bind(r.cutoff)
        .bind(r.expires_at)
        .bind(crate::infra::clock::now())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn load_revocations(&self, now: i64) -> Result<Vec<RevocationRecord>, StoreError> {
        let rows: Vec<RevocationRow> = sqlx::query_as("SELECT kind, key, cutoff, expires_at FROM revocations WHERE expires_at >= $1")
            .bind(now)
            .fetch_all(self.pool())
            .await?;
        Ok(revocation_records(rows))
    }

    async fn revocations_changed_since(&self, since: i64) -> Result<Vec<RevocationRecord>, StoreError> {
        let rows: Vec<RevocationRow> = sqlx::query_as("SELECT kind, key, cutoff, expires_at FROM revocations WHERE changed_at >= $1")
            .bind(since)
            .fetch_all(self.pool())
            .await?;
        Ok(revocation_records(rows))
    }

    async fn prune(&self, now: i64) -> Result<u64, StoreError> {
        // Both deletes or neither, so concurrent readers see consistent tables.
        let mut tx = self.pool().begin().await?;
        let revocations = sqlx::query("DELETE FROM revocations WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(revocations.rows_affected() + sessions.rows_affected())
    }

    async fn list_items(&self) -> Result<Vec<Item>, StoreError> {
        let rows: Vec<ItemRow> = sqlx::query_as("SELECT name, price, owner_id FROM items ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(Item::from).collect())
    }

    async fn create_item(&self, item: NewItem) -> Result<Item, StoreError> {
        sqlx::query("INSERT INTO items (name, price, owner_id) VALUES ($1, $2, $3)")
            .bind(item.name.as_str())
            .bind(item.price)
            .bind(item.owner_id)
            .execute(self.pool())
            .await
            .map_err(|e| conflict_on_unique(e, "item"))?;
        Ok(Item {
            name: item.name,
            price: item.price,
            owner_id: item.owner_id,
        })
    }

    async fn delete_item(&self, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM items WHERE name = $1")
            .bind(name)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

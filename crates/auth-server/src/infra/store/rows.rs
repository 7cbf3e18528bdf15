//! Rows as the SQL backends return them, decoded by column name (`sqlx::FromRow`) and
//! turned into the store's models, so each backend only writes its SQL.

use super::{Item, RevocationKind, RevocationRecord, Role, RotateOutcome, Session, Successor, User};

/// A `users` row.
#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    id: i64,
    username: String,
    password_hash: String,
    role: String,
    email: Option<String>,
    mobile: Option<String>,
    age: Option<i64>,
    birth: Option<String>,
    disabled: bool,
    created_at: i64,
    updated_at: i64,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            username: r.username,
            password_hash: r.password_hash,
            role: Role::parse(&r.role),
            email: r.email,
            mobile: r.mobile,
            age: r.age,
            birth: r.birth,
            disabled: r.disabled,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A `sessions` row (the same fields as [`Session`]).
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    id: String,
    user_id: i64,
    refresh_jti: String,
    created_at: i64,
    last_used_at: i64,
    expires_at: i64,
    user_agent: Option<String>,
    ip: Option<String>,
    revoked_at: Option<i64>,
    persistent: bool,
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Session {
            id: r.id,
            user_id: r.user_id,
            refresh_jti: r.refresh_jti,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            expires_at: r.expires_at,
            user_agent: r.user_agent,
            ip: r.ip,
            revoked_at: r.revoked_at,
            persistent: r.persistent,
        }
    }
}

/// An `items` row.
#[derive(Debug, sqlx::FromRow)]
pub struct ItemRow {
    name: String,
    price: f64,
    owner_id: i64,
}

impl From<ItemRow> for Item {
    fn from(r: ItemRow) -> Self {
        Item {
            name: r.name,
            price: r.price,
            owner_id: r.owner_id,
        }
    }
}

/// A `revocations` row.
#[derive(Debug, sqlx::FromRow)]
pub struct RevocationRow {
    kind: String,
    key: String,
    cutoff: Option<i64>,
    expires_at: i64,
}

impl RevocationRow {
    /// The record, or `None` for a kind this version does not know.
    pub fn into_record(self) -> Option<RevocationRecord> {
        Some(RevocationRecord {
            kind: RevocationKind::parse(&self.kind)?,
            key: self.key,
            cutoff: self.cutoff,
            expires_at: self.expires_at,
        })
    }
}

/// Records from rows, skipping unknown kinds.
pub fn revocation_records(rows: Vec<RevocationRow>) -> Vec<RevocationRecord> {
    rows.into_iter().filter_map(RevocationRow::into_record).collect()
}

/// What a rotation that did not apply reads of its session, when the session is live
/// (neither revoked nor expired): each backend reads it with its own SQL, the verdict is
/// [`not_rotated`].
#[derive(Debug, sqlx::FromRow)]
pub struct LiveSessionRow {
    refresh_jti: String,
    previous_jti: Option<String>,
    rotated_at: Option<i64>,
    expires_at: i64,
}

/// Why a rotation presenting `presented_jti` was not applied, from its session's row
/// (`None` when unknown, revoked or expired): a live session means the token was already
/// consumed, by the latest rotation (its successor is named, for the reuse grace window)
/// or earlier.
pub fn not_rotated(live: Option<LiveSessionRow>, presented_jti: &str) -> RotateOutcome {
    let Some(live) = live else {
        return RotateOutcome::Gone;
    };
    match (live.previous_jti, live.rotated_at) {
        (Some(previous), Some(rotated_at)) if previous == presented_jti => RotateOutcome::Superseded(Successor {
            jti: live.refresh_jti,
            expires_at: live.expires_at,
            rotated_at,
        }),
        _ => RotateOutcome::Reused,
    }
}

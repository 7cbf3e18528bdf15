//! The records the store keeps. Times are Unix seconds (`i64`) inside the server and
//! RFC 3339 strings on the wire.

use serde::{Deserialize, Serialize};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An ordinary account.
    User,
    /// May list, edit and delete users and delete items.
    Admin,
}

impl Role {
    /// The stored and claimed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }

    /// Parses the stored name; anything unknown is an ordinary user.
    pub fn parse(s: &str) -> Role {
        if s == "admin" { Role::Admin } else { Role::User }
    }
}

/// A stored user (the hash never leaves the server: see `users::UserView`).
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub age: Option<i64>,
    pub birth: Option<String>,
    /// Set by an admin: the account cannot log in or refresh, and its tokens were revoked.
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub age: Option<i64>,
    pub birth: Option<String>,
    pub now: i64,
}

/// Profile fields to change: `Some(None)` clears a field, `None` leaves it.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub email: Option<Option<String>>,
    pub mobile: Option<Option<String>>,
    pub age: Option<Option<i64>>,
    pub birth: Option<Option<String>>,
    pub role: Option<Role>,
    /// Admins only.
    pub disabled: Option<bool>,
    pub now: i64,
}

/// One login: a refresh-token family.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: String,
    pub user_id: i64,
    /// The `jti` of the only refresh token of this session that may still be used.
    pub refresh_jti: String,
    pub created_at: i64,
    pub last_used_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub revoked_at: Option<i64>,
    /// "Keep me signed in": cookies that outlive the browser.
    pub persistent: bool,
}

/// A session to record at login.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub user_id: i64,
    pub refresh_jti: String,
    pub now: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub persistent: bool,
}

/// One refresh-token rotation to apply (`Store::rotate_session`): replace the session's
/// current `jti`.
#[derive(Debug, Clone)]
pub struct Rotation {
    /// The session (`sid`) of the presented refresh token.
    pub session_id: String,
    /// The `jti` of the presented refresh token.
    pub presented_jti: String,
    /// The `jti` of the refresh token issued in its place.
    pub next_jti: String,
    pub now: i64,
    /// When the new refresh token expires.
    pub expires_at: i64,
}

/// The result of presenting a refresh token for rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The presented token was current; it is now consumed and replaced.
    Rotated,
    /// The presented token is the one the session's latest rotation consumed: a second
    /// tab or a retried request when it comes soon after, a copy when it comes late. The
    /// caller decides by [`Successor::rotated_at`] (the reuse grace window).
    Superseded(Successor),
    /// The presented token was consumed before: replay, the session must be revoked.
    Reused,
    /// The session is unknown, revoked or expired.
    Gone,
}

/// What the latest rotation of a session issued, so that a repeat of the token it
/// consumed can be answered with the same refresh `jti` (the session never forks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor {
    /// The session's current refresh `jti`.
    pub jti: String,
    /// When that refresh token expires.
    pub expires_at: i64,
    /// When the rotation happened.
    pub rotated_at: i64,
}

/// What a persisted revocation blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationKind {
    /// One token, by `jti`.
    Token,
    /// Every token of a session, by `sid`.
    Session,
    /// Every token of a user (by id) issued at or before `cutoff`.
    User,
}

impl RevocationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationKind::Token => "token",
            RevocationKind::Session => "session",
            RevocationKind::User => "user",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "token" => Some(RevocationKind::Token),
            "session" => Some(RevocationKind::Session),
            "user" => Some(RevocationKind::User),
            _ => None,
        }
    }
}

/// One persisted revocation, kept until `expires_at` (when what it blocks has expired).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationRecord {
    pub kind: RevocationKind,
    pub key: String,
    pub cutoff: Option<i64>,
    pub expires_at: i64,
}

/// A demo item (the tutorials' `/item` resource).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Item {
    pub name: String,
    pub price: f64,
    pub owner_id: i64,
}

/// An item to create.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub name: String,
    pub price: f64,
    pub owner_id: i64,
}

//! The user as the API shows it: every profile field (absent ones `null`), RFC 3339
//! times, and never the password hash.

use serde::{Deserialize, Serialize};

use crate::infra::store::{Role, User};

/// A user object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserView {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "alice")]
    pub username: String,
    pub role: Role,
    #[schema(example = "alice@example.com")]
    pub email: Option<String>,
    #[schema(example = "+44 20 7946 0958")]
    pub mobile: Option<String>,
    #[schema(example = 36)]
    pub age: Option<i64>,
    /// `YYYY-MM-DD`.
    #[schema(example = "1990-04-23")]
    pub birth: Option<String>,
    /// Disabled by an admin: cannot log in or refresh.
    pub disabled: bool,
    /// RFC 3339.
    #[schema(example = "2026-11-23T08:00:00Z")]
    pub created_at: String,
    /// RFC 3339.
    #[schema(example = "2026-11-23T08:00:00Z")]
    pub updated_at: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            username: u.username.clone(),
            role: u.role,
            email: u.email.clone(),
            mobile: u.mobile.clone(),
            age: u.age,
            birth: u.birth.clone(),
            disabled: u.disabled,
            created_at: crate::infra::clock::rfc3339(u.created_at),
            updated_at: crate::infra::clock::rfc3339(u.updated_at),
        }
    }
}

//! Who is calling: the claims of a verified token the handlers decide on (user id from
//! `sub`, session, freshness), read once instead of in every handler. Privilege is not
//! among them: a token's `role` claim may predate a demotion, so admin decisions read the
//! account as it is stored now ([`Caller::require_admin`]).

use jwt_extended::axum::{Jwt, Policy, Require};
use jwt_extended::{DecodedToken, JwtError, Rule, TokenLocation, claim_equals};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Role, User};

/// Tokens issued to an admin (`role` claim `admin`): the library refuses any other with 403
/// before the handler runs. The claim may predate a demotion, so the handler still asks
/// [`Caller::require_admin`], which reads the stored role.
pub struct AdminClaim;

impl Rule for AdminClaim {
    fn allows(token: &DecodedToken) -> bool {
        claim_equals(&token.claims, "role", "admin")
    }
}

/// An access token whose claims say admin (routes only admins may call).
pub type AdminJwt = Jwt<Require<AdminClaim>>;

/// The caller named by a verified token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user id (`sub`).
    pub id: i64,
    /// The `username` claim.
    pub username: String,
    /// The session (`sid`).
    pub session_id: Option<String>,
    /// Where the token came from (cookie responses are answered with cookies).
    pub location: TokenLocation,
    /// The whole token, for token errors about it.
    pub token: DecodedToken,
}

impl Caller {
    /// Reads the caller from a token the extractor already verified.
    pub fn of<P: Policy>(jwt: Jwt<P>) -> Result<Self, ApiError> {
        let location = jwt.location();
        let token = jwt.into_token();
        let claims = &token.claims;
        let id = claims
            .subject()
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or(ApiError::unauthorized("Invalid token subject", "invalid_token"))?;
        Ok(Caller {
            id,
            username: claims.str_claim("username").unwrap_or_default().to_string(),
            session_id: claims.session_id().map(str::to_string),
            location,
            token,
        })
    }

    /// The caller's account as stored now; 401 `Token has been revoked` when it was
    /// deleted or disabled since the token was issued.
    pub async fn account(&self, state: &AppState) -> Result<User, ApiError> {
        match state.store.user_by_id(self.id).await? {
            Some(user) if !user.disabled => Ok(user),
            _ => Err(self.revoked()),
        }
    }

    /// The caller's account when it is an admin now, else 403 `Admin privilege required`
    /// (whatever the token's `role` claim says).
    pub async fn require_admin(&self, state: &AppState) -> Result<User, ApiError> {
        let user = self.account(state).await?;
        if user.role == Role::Admin {
            Ok(user)
        } else {
            Err(ApiError::Forbidden("Admin privilege required"))
        }
    }

    /// Whether the token is fresh now.
    pub fn is_fresh(&self) -> bool {
        self.token.claims.freshness().is_fresh_at(crate::clock::now() as f64)
    }

    /// 401 `Fresh token required` unless the token is fresh.
    pub fn require_fresh(&self) -> Result<(), ApiError> {
        if self.is_fresh() {
            Ok(())
        } else {
            Err(ApiError::Token(JwtError::NotFresh(Box::new(self.token.clone()))))
        }
    }

    /// 401 `Token has been revoked`, about this token.
    pub fn revoked(&self) -> ApiError {
        revoked(&self.token)
    }

    /// Whether the token came from a cookie.
    pub fn uses_cookies(&self) -> bool {
        self.location == TokenLocation::Cookies
    }
}

/// 401 `Token has been revoked` about `token`.
pub fn revoked(token: &DecodedToken) -> ApiError {
    ApiError::Token(JwtError::Revoked(Box::new(token.clone())))
}

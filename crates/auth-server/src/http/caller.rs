//! Who is calling: the extractor [`Caller<P>`] verifies a token of policy `P` (through the
//! library's `Jwt<P>`) and reads the claims the handlers decide on (user id from `sub`,
//! session, freshness) once, so a handler names its caller in its signature instead of
//! converting a token by hand. Privilege is not among those claims: a token's `role` may
//! predate a demotion, so admin decisions read the account as it is stored now
//! ([`Identity::require_admin`]).

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use jwt_extended::{Access, FromState, Jwt, Policy, Require};
use jwt_extended::{DecodedToken, JwtError, Rule, TokenLocation, claim_equals};

use crate::http::error::ApiError;
use crate::infra::store::{Role, User};
use crate::state::AppState;

/// Tokens issued to an admin (`role` claim `admin`): the library refuses any other with 403
/// before the handler runs. The claim may predate a demotion, so the handler still asks
/// [`Identity::require_admin`], which reads the stored role.
pub struct AdminClaim;

impl Rule for AdminClaim {
    fn allows(token: &DecodedToken) -> bool {
        claim_equals(&token.claims, "role", "admin")
    }
}

/// The library's token extractor as the server uses it: policy `P`, the token manager
/// from the router state (see `state.rs`).
pub type Token<P = Access> = Jwt<P, FromState>;

/// The caller of a route only admins may call: its token's claims say admin.
pub type AdminCaller = Caller<Require<AdminClaim>>;

/// The caller of a route, with a token that passed policy `P` (`Access` by default;
/// `Fresh`, `Refresh`, or `Require<…>` for rules on its claims).
pub struct Caller<P = Access> {
    identity: Identity,
    policy: PhantomData<fn() -> P>,
}

impl<P> std::ops::Deref for Caller<P> {
    type Target = Identity;

    fn deref(&self) -> &Identity {
        &self.identity
    }
}

impl<P: Policy> FromRequestParts<AppState> for Caller<P> {
    /// The library's token error answer, or the server's for a token without a user id.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let jwt = Token::<P>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let identity = Identity::of(jwt).map_err(IntoResponse::into_response)?;
        Ok(Caller {
            identity,
            policy: PhantomData,
        })
    }
}

/// What a verified token says about its bearer.
#[derive(Debug, Clone)]
pub struct Identity {
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

impl Identity {
    /// Reads the identity from a token the extractor already verified.
    fn of<P: Policy>(jwt: Token<P>) -> Result<Self, ApiError> {
        let location = jwt.location();
        let token = jwt.into_token();
        let claims = &token.claims;
        let id = claims
            .subject()
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or(ApiError::unauthorized("Invalid token subject", "invalid_token"))?;
        Ok(Identity {
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
        self.token.claims.freshness().is_fresh_at(crate::infra::clock::now() as f64)
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

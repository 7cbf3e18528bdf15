//! [`Jwt<P, M>`]: the extractor that protects a handler. It verifies the request against
//! policy `P` with the manager that source `M` provides.

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use serde_json::Value;

use super::JwtRejection;
use super::policy::{Access, Policy};
use super::source::{FromLayer, ManagerSource};
use crate::claims::{Claims, DecodedToken};
use crate::config::TokenLocation;
use crate::manager::{JwtManager, Verified};

/// A verified token, extracted according to policy `P` (an access token by default), with
/// the manager found by `M` ([`FromLayer`] by default: the one [`JwtManager::layer`]
/// installed; [`crate::FromState`] takes it from the router state instead, checked by the
/// compiler).
///
/// ```
/// use axum::{Router, routing::get, Json};
/// use jwt_extended::{Fresh, Jwt, JwtManager};
/// use serde_json::{json, Value};
///
/// async fn protected(jwt: Jwt) -> Json<Value> {
///     Json(json!({ "logged_in_as": jwt.identity_str() }))
/// }
/// async fn optional(jwt: Option<Jwt>) -> Json<Value> {
///     Json(json!({ "logged_in_as": jwt.as_ref().and_then(|j| j.identity_str()).unwrap_or("anonymous user") }))
/// }
/// async fn fresh_only(_jwt: Jwt<Fresh>) -> &'static str { "ok" }
///
/// let jwt = JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// let app: Router = Router::new()
///     .route("/protected", get(protected))
///     .route("/optional", get(optional))
///     .route("/fresh", get(fresh_only))
///     .layer(jwt.layer());
/// ```
pub struct Jwt<P: Policy = Access, M = FromLayer> {
    verified: Verified,
    _policy: PhantomData<fn() -> (P, M)>,
}

impl<P: Policy, M> std::fmt::Debug for Jwt<P, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwt")
            .field("token", &self.verified.token)
            .field("location", &self.verified.location)
            .finish()
    }
}

impl<P: Policy, M> Clone for Jwt<P, M> {
    fn clone(&self) -> Self {
        Jwt {
            verified: self.verified.clone(),
            _policy: PhantomData,
        }
    }
}

impl<P: Policy, M> Jwt<P, M> {
    /// The claims (FJE `get_jwt()`).
    pub fn claims(&self) -> &Claims {
        &self.verified.token.claims
    }

    /// The JOSE header (FJE `get_jwt_header()`).
    pub fn header(&self) -> &serde_json::Map<String, Value> {
        self.verified.token.header()
    }

    /// The identity claim as JSON (FJE `get_jwt_identity()`): a string unless the
    /// manager reads a custom identity claim or turned `verify_sub` off.
    pub fn identity(&self) -> &Value {
        self.verified.token.claims.identity()
    }

    /// The identity as a string: always `Some` with the default identity claim `sub`
    /// (tokens whose `sub` is not a string are refused), what to issue new tokens for.
    pub fn identity_str(&self) -> Option<&str> {
        self.verified.token.claims.subject()
    }

    /// Where the token was found (FJE `get_jwt_request_location()`).
    pub fn location(&self) -> TokenLocation {
        self.verified.location
    }

    /// The whole decoded token.
    pub fn token(&self) -> &DecodedToken {
        &self.verified.token
    }

    /// Consumes the extractor into the decoded token.
    pub fn into_token(self) -> DecodedToken {
        self.verified.token
    }
}

/// Verifies the request under policy `P` with the manager of source `M`; `Ok(None)` for
/// "no token, and that is allowed" (optional routes, preflights).
pub(crate) async fn verify<P, M, S>(parts: &Parts, state: &S, optional: bool) -> Result<Option<(Jwt<P, M>, JwtManager)>, JwtRejection>
where
    P: Policy,
    M: ManagerSource<S>,
{
    let manager = M::manager(parts, state).map_err(|error| JwtRejection::new(error, None))?;
    match manager.verify_request(parts, &P::rules(optional)).await {
        Ok(Some(verified)) => Ok(Some((
            Jwt {
                verified,
                _policy: PhantomData,
            },
            manager,
        ))),
        Ok(None) if optional => Ok(None),
        Ok(None) => Err(JwtRejection::preflight()),
        Err(error) => Err(JwtRejection::new(error, Some(manager))),
    }
}

impl<S, P, M> FromRequestParts<S> for Jwt<P, M>
where
    S: Send + Sync,
    P: Policy,
    M: ManagerSource<S>,
{
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match verify::<P, M, S>(parts, state, false).await? {
            Some((jwt, _)) => Ok(jwt),
            None => Err(JwtRejection::preflight()),
        }
    }
}

impl<S, P, M> OptionalFromRequestParts<S> for Jwt<P, M>
where
    S: Send + Sync,
    P: Policy,
    M: ManagerSource<S>,
{
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(verify::<P, M, S>(parts, state, true).await?.map(|(jwt, _)| jwt))
    }
}

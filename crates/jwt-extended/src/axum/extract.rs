//! The extractors that protect handlers: FJE's `@jwt_required(...)` variants as types.
//!
//! A [`Policy`] says what a route accepts (type, freshness, locations, revocation check);
//! [`Jwt<P>`] verifies the request against it. `Option<Jwt<P>>` is the optional variant.

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use serde_json::Value;

use super::JwtRejection;
use crate::authorization::Rule;
use crate::claims::{Claims, DecodedToken};
use crate::config::TokenLocation;
use crate::error::JwtError;
use crate::manager::{JwtManager, RouteRules, TypeCheck, Verified};

/// What a route requires. Implement it on a marker type to make your own variant:
///
/// ```
/// use jwt_extended::{Policy, TypeCheck, TokenLocation, axum::Jwt};
/// /// Refresh tokens from the cookie only, even when headers are configured too.
/// struct RefreshCookie;
/// impl Policy for RefreshCookie {
///     const TYPE: TypeCheck = TypeCheck::Refresh;
///     const LOCATIONS: Option<&'static [TokenLocation]> = Some(&[TokenLocation::Cookies]);
/// }
/// async fn refresh(token: Jwt<RefreshCookie>) -> String {
///     token.claims().subject().unwrap_or_default().to_string()
/// }
/// ```
pub trait Policy: Send + Sync + 'static {
    /// Access, refresh or either.
    const TYPE: TypeCheck = TypeCheck::Access;
    /// Require a fresh token.
    const FRESH: bool = false;
    /// Look only in these locations, in this order.
    const LOCATIONS: Option<&'static [TokenLocation]> = None;
    /// Skip the revocation check.
    const SKIP_REVOCATION: bool = false;
    /// For `Option<Jwt<P>>`: treat a present but bad token as no token (FJE lacks this).
    const INVALID_AS_ANONYMOUS: bool = false;

    /// Whether a verified token may use the route (checked last, after revocation and the
    /// manager's own verification); `false` answers [`JwtError::Forbidden`] (403). See
    /// [`Require`] to add [`Rule`]s to an existing policy instead of writing this.
    fn authorize(_token: &DecodedToken) -> bool {
        true
    }

    /// The rules derived from the constants.
    fn rules(optional: bool) -> RouteRules {
        RouteRules {
            token_type: Self::TYPE,
            fresh: Self::FRESH,
            optional,
            locations: Self::LOCATIONS,
            skip_revocation: Self::SKIP_REVOCATION,
            invalid_as_anonymous: Self::INVALID_AS_ANONYMOUS,
            authorize: Self::authorize,
        }
    }
}

/// Policy `P` (an access token by default) plus rule `R` (a [`Rule`], or a tuple of
/// rules that must all allow): one line per route instead of one type per combination.
///
/// ```
/// use jwt_extended::{DecodedToken, Rule, claim_equals, scope_includes, axum::{Fresh, Jwt, Require}};
/// struct Admin;
/// impl Rule for Admin {
///     fn allows(token: &DecodedToken) -> bool { claim_equals(&token.claims, "role", "admin") }
/// }
/// struct WriteItems;
/// impl Rule for WriteItems {
///     fn allows(token: &DecodedToken) -> bool { scope_includes(&token.claims, "items:write") }
/// }
/// async fn admin_page(_: Jwt<Require<Admin>>) {}
/// async fn delete_item(_: Jwt<Require<(Admin, WriteItems), Fresh>>) {}
/// ```
pub struct Require<R, P = Access>(PhantomData<fn() -> (R, P)>);

impl<R: Rule, P: Policy> Policy for Require<R, P> {
    const TYPE: TypeCheck = P::TYPE;
    const FRESH: bool = P::FRESH;
    const LOCATIONS: Option<&'static [TokenLocation]> = P::LOCATIONS;
    const SKIP_REVOCATION: bool = P::SKIP_REVOCATION;
    const INVALID_AS_ANONYMOUS: bool = P::INVALID_AS_ANONYMOUS;

    fn authorize(token: &DecodedToken) -> bool {
        P::authorize(token) && R::allows(token)
    }
}

/// An access token (FJE `@jwt_required()`).
#[derive(Debug, Clone, Copy)]
pub struct Access;
impl Policy for Access {}

/// A fresh access token (FJE `@jwt_required(fresh=True)`).
#[derive(Debug, Clone, Copy)]
pub struct Fresh;
impl Policy for Fresh {
    const FRESH: bool = true;
}

/// A refresh token (FJE `@jwt_required(refresh=True)`).
#[derive(Debug, Clone, Copy)]
pub struct Refresh;
impl Policy for Refresh {
    const TYPE: TypeCheck = TypeCheck::Refresh;
}

/// Either type (FJE `@jwt_required(verify_type=False)`).
#[derive(Debug, Clone, Copy)]
pub struct AnyType;
impl Policy for AnyType {
    const TYPE: TypeCheck = TypeCheck::Any;
}

/// An access token, where a bad token on an optional route counts as anonymous.
#[derive(Debug, Clone, Copy)]
pub struct Lenient;
impl Policy for Lenient {
    const INVALID_AS_ANONYMOUS: bool = true;
}

/// A verified token, extracted according to policy `P` (an access token by default).
///
/// ```
/// use axum::{Router, routing::get, Json};
/// use jwt_extended::{JwtManager, axum::{Jwt, Fresh}};
/// use serde_json::{json, Value};
///
/// async fn protected(jwt: Jwt) -> Json<Value> {
///     Json(json!({ "logged_in_as": jwt.claims().subject() }))
/// }
/// async fn optional(jwt: Option<Jwt>) -> Json<Value> {
///     Json(json!({ "logged_in_as": jwt.as_ref().and_then(|j| j.claims().subject()).unwrap_or("anonymous user") }))
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
pub struct Jwt<P: Policy = Access> {
    verified: Verified,
    _policy: PhantomData<fn() -> P>,
}

impl<P: Policy> std::fmt::Debug for Jwt<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwt")
            .field("token", &self.verified.token)
            .field("location", &self.verified.location)
            .finish()
    }
}

impl<P: Policy> Clone for Jwt<P> {
    fn clone(&self) -> Self {
        Jwt {
            verified: self.verified.clone(),
            _policy: PhantomData,
        }
    }
}

impl<P: Policy> Jwt<P> {
    /// The claims (FJE `get_jwt()`).
    pub fn claims(&self) -> &Claims {
        &self.verified.token.claims
    }

    /// The JOSE header (FJE `get_jwt_header()`).
    pub fn header(&self) -> &serde_json::Map<String, Value> {
        self.verified.token.header()
    }

    /// The identity claim (FJE `get_jwt_identity()`).
    pub fn identity(&self) -> &Value {
        self.verified.token.claims.identity()
    }

    /// The identity when it is a string (always, with the default identity claim `sub`).
    pub fn identity_str(&self) -> Option<&str> {
        self.verified.token.claims.identity().as_str()
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

/// The manager installed by [`JwtManager::layer`].
pub(crate) fn manager_of(parts: &Parts) -> Result<JwtManager, JwtRejection> {
    parts
        .extensions
        .get::<JwtManager>()
        .cloned()
        .ok_or_else(|| JwtRejection::new(JwtError::Internal("JwtManager::layer() is not installed on this router"), None))
}

pub(crate) async fn verify<P: Policy>(parts: &Parts, optional: bool) -> Result<Option<(Jwt<P>, JwtManager)>, JwtRejection> {
    let manager = manager_of(parts)?;
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

impl<S: Send + Sync, P: Policy> FromRequestParts<S> for Jwt<P> {
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match verify::<P>(parts, false).await? {
            Some((jwt, _)) => Ok(jwt),
            None => Err(JwtRejection::preflight()),
        }
    }
}

impl<S: Send + Sync, P: Policy> OptionalFromRequestParts<S> for Jwt<P> {
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(verify::<P>(parts, true).await?.map(|(jwt, _)| jwt))
    }
}

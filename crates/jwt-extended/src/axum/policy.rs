//! FJE's `@jwt_required(...)` arguments as types: a [`Policy`] says what a route accepts
//! (type, freshness, locations, revocation check, authorization), and the extractors
//! ([`crate::Jwt<P>`], `Option<Jwt<P>>`, ...) verify a request against it.

use crate::claims::DecodedToken;
use crate::config::TokenLocation;
use crate::manager::{RouteRules, TypeCheck};

/// What a route requires. The usual variants are ready ([`Access`], [`Fresh`],
/// [`Refresh`], [`AnyType`], [`Lenient`]) and combine in one line with [`crate::Require`],
/// [`crate::SkipRevocation`] and [`crate::Only`]. Implement it on a marker type for a
/// variant of your own:
///
/// ```
/// use jwt_extended::{Jwt, Policy, TypeCheck, TokenLocation};
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
    /// manager's own verification); `false` answers [`crate::JwtError::Forbidden`] (403). See
    /// [`crate::Require`] to add [`crate::Rule`]s to an existing policy instead of writing this.
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

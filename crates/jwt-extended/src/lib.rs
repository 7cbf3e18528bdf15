#![doc = include_str!("../README.md")]
//!
//! ## Crate layout
//!
//! The library core (configuration, keys, token creation and decoding, token locations,
//! CSRF, revocation, authorization rules, errors) is independent of axum; the glue (layer,
//! extractors, error responses) is compiled with the `axum` feature and exported at the
//! root like the rest.
//!
//! A token is decoded (base64, JSON, signature) the first time a thread sees it; a client
//! presenting it again is answered from a small per-thread cache of verified tokens, whose
//! expiry is checked again on every hit. The route's checks (type, freshness, CSRF,
//! authorization) and the revocation check run on every request, so revoking a token
//! takes effect at once.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod authorization;
// Private: its items are re-exported below, so no name `axum` reaches `use jwt_extended::*`.
#[cfg(feature = "axum")]
mod axum;
mod builder;
mod callbacks;
mod claims;
mod compact_id;
mod compact_json;
mod config;
mod cookies;
mod crypto;
mod decode;
mod encode;
mod error;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod identity;
mod json;
mod jwks;
mod keys;
mod locations;
mod manager;
#[cfg(feature = "remote-jwks")]
mod remote_jwks;
pub mod revocation;
mod verified_cache;

/// The names most handlers need, for `use jwt_extended::prelude::*;` (the crate root
/// globs safely too: it exports no name of a crate or of the std prelude).
pub mod prelude {
    #[cfg(feature = "axum")]
    pub use crate::axum::{
        AnyType, CurrentUser, Fresh, FromState, Jwt, Lenient, Only, Policy, Refresh, Require, SkipRevocation, UserLoader, location,
    };
    pub use crate::{
        Claims, DecodedToken, Identity, JwtError, JwtManager, Rule, TokenLocation, TokenType, claim_contains, claim_equals, scope_includes,
    };
}

/// The attribute the library's async traits ([`RevocationCheck`], [`RevocationStore`])
/// are written with, re-exported so implementing them needs no extra dependency.
pub use async_trait::async_trait;
pub use authorization::{Rule, claim_contains, claim_equals, scope_includes};
#[cfg(feature = "axum")]
pub use axum::{
    Access, Amend, Amendment, AnyType, CurrentUser, ErrorHandlers, Fresh, FromLayer, FromState, InLocations, Jwt, JwtLayer, JwtRejection,
    JwtService, Lenient, Locations, ManagerSource, NoRevocationCheck, Only, Policy, Refresh, Require, Rules, SkipRevocation, TypedClaims,
    UserLoader, UserLookupError, default_response, default_status, location,
};
pub use builder::JwtManagerBuilder;
pub use callbacks::{AdditionalLoader, IdentityLoader, KeyLoader, TokenVerifier};
pub use claims::{Claims, DecodedToken, Freshness, TokenType};
pub use config::{CookieConfig, InvalidTokenStatus, JwtConfig, Lifetime, SameSite, TokenLocation};
pub use cookies::CookieOptions;
pub use crypto::install_crypto_provider;
pub use encode::{IssuedToken, TokenBuilder};
pub use error::{ConfigError, JwtError, MissingToken, TokenError};
pub use identity::Identity;
pub use jsonwebtoken::Algorithm;
pub use jsonwebtoken::jwk;
pub use jsonwebtoken::jwk::JwkSet;
pub use keys::{SigningKey, VerificationKey};
pub use locations::BodyTokens;
pub use manager::{JwtManager, RouteRules, TokenPair, TypeCheck, Verified};
#[cfg(feature = "remote-jwks")]
pub use remote_jwks::{RemoteJwks, RemoteJwksBuilder};
pub use revocation::{Consumption, InMemoryRevocationStore, NoRevocation, RevocationCheck, RevocationError, RevocationFn, RevocationStore};

#![doc = include_str!("../README.md")]
//!
//! ## Crate layout
//!
//! The library core (configuration, keys, token creation and decoding, token locations,
//! CSRF, revocation, authorization rules, errors) is independent of axum; [`axum`] holds
//! the glue (layer, extractors, error responses).
//!
//! A token is decoded (base64, JSON, signature) the first time a thread sees it; a client
//! presenting it again is answered from a small per-thread cache of verified tokens, whose
//! expiry is checked again on every hit. The route's checks (type, freshness, CSRF,
//! authorization) and the revocation check run on every request, so revoking a token
//! takes effect at once.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod authorization;
#[cfg(feature = "axum")]
pub mod axum;
mod builder;
mod claims;
mod config;
mod cookies;
mod crypto;
mod decode;
mod encode;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod json;
mod jwks;
mod keys;
mod locations;
mod manager;
#[cfg(feature = "remote-jwks")]
mod remote_jwks;
pub mod revocation;

/// The names most handlers need, for `use jwt_extended::prelude::*;`. Prefer it to
/// `use jwt_extended::*`, whose `axum` module would shadow the `axum` crate.
pub mod prelude {
    #[cfg(feature = "axum")]
    pub use crate::Policy;
    #[cfg(feature = "axum")]
    pub use crate::axum::{AnyType, CurrentUser, Fresh, Jwt, Lenient, Refresh, Require, UserLoader};
    pub use crate::{
        Claims, DecodedToken, JwtError, JwtManager, Rule, TokenLocation, TokenType, claim_contains, claim_equals, scope_includes,
    };
}
mod verified_cache;

/// The attribute the library's async traits ([`RevocationCheck`], [`RevocationStore`])
/// are written with, re-exported so implementing them needs no extra dependency.
pub use async_trait::async_trait;
pub use authorization::{Rule, claim_contains, claim_equals, scope_includes};
#[cfg(feature = "axum")]
pub use axum::Policy;
pub use builder::JwtManagerBuilder;
pub use claims::{Claims, DecodedToken, Freshness, TokenType};
pub use config::{CookieConfig, InvalidTokenStatus, JwtConfig, Lifetime, SameSite, TokenLocation};
pub use cookies::CookieOptions;
pub use crypto::install_crypto_provider;
pub use encode::{IssuedToken, TokenBuilder};
pub use error::{ConfigError, JwtError, MissingToken, TokenError};
pub use jsonwebtoken::Algorithm;
pub use jsonwebtoken::jwk;
pub use jsonwebtoken::jwk::JwkSet;
pub use keys::{SigningKey, VerificationKey};
pub use locations::BodyTokens;
pub use manager::{AdditionalLoader, IdentityLoader, JwtManager, RouteRules, TokenPair, TokenVerifier, TypeCheck, Verified};
#[cfg(feature = "remote-jwks")]
pub use remote_jwks::{RemoteJwks, RemoteJwksBuilder};
pub use revocation::{Consumption, InMemoryRevocationStore, NoRevocation, RevocationCheck, RevocationError, RevocationFn, RevocationStore};

//! # jwt-extended
//!
//! JWT authentication for [axum](https://docs.rs/axum) 0.8: the Rust counterpart of
//! Flask-JWT-Extended. Access and refresh tokens, protected / optional / fresh /
//! refresh-only routes as typed extractors, tokens from headers, cookies (with CSRF
//! double submit), query strings or JSON bodies, revocation, custom claims, async user
//! lookup and replaceable error responses — plus refresh rotation with reuse detection,
//! session and user revocation, key rotation with `kid` and JWKS, and a configuration
//! validated at start-up.
//!
//! ```
//! use axum::{Json, Router, routing::{get, post}};
//! use jwt_extended::{JwtManager, axum::Jwt};
//! use serde_json::{json, Value};
//!
//! async fn login(axum::extract::State(jwt): axum::extract::State<JwtManager>) -> Json<Value> {
//!     Json(json!({ "access_token": jwt.create_access_token("alice").unwrap() }))
//! }
//! async fn protected(token: Jwt) -> Json<Value> {
//!     Json(json!({ "logged_in_as": token.claims().subject() }))
//! }
//!
//! let jwt = JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
//! let app: Router = Router::new()
//!     .route("/login", post(login))
//!     .route("/protected", get(protected))
//!     .layer(jwt.layer())
//!     .with_state(jwt);
//! ```
//!
//! The library core (configuration, keys, token creation and decoding, token locations,
//! CSRF, revocation, errors) is independent of axum; [`axum`] holds the glue.
//!
//! A token is decoded (base64, JSON, signature) the first time a thread sees it; a client
//! presenting it again is answered from a small per-thread cache of verified tokens, whose
//! expiry is checked again on every hit. The route's checks (type, freshness, CSRF) and
//! the revocation check run on every request, so revoking a token takes effect at once.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod authorization;
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
pub mod revocation;
mod verified_cache;

pub use authorization::{Rule, claim_contains, claim_equals, scope_includes};
pub use axum::Policy;
pub use builder::JwtManagerBuilder;
pub use claims::{Claims, DecodedToken, Freshness, TokenType};
pub use config::{CookieConfig, InvalidTokenStatus, JwtConfig, Lifetime, SameSite, TokenLocation};
pub use crypto::install_crypto_provider;
pub use encode::{IssuedToken, TokenBuilder};
pub use error::{ConfigError, JwtError, MissingToken, TokenError};
pub use jsonwebtoken::Algorithm;
pub use jsonwebtoken::jwk;
pub use jsonwebtoken::jwk::JwkSet;
pub use keys::{SigningKey, VerificationKey};
pub use locations::BodyTokens;
pub use manager::{AdditionalLoader, IdentityLoader, JwtManager, RouteRules, TokenPair, TokenVerifier, TypeCheck, Verified};
pub use revocation::{Consumption, InMemoryRevocationStore, NoRevocation, RevocationCheck, RevocationError, RevocationStore};

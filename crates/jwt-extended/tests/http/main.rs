//! The library's HTTP-level integration tests, as one test binary (one link instead of
//! one per file): Flask-JWT-Extended's own test-suite behaviours, request by request,
//! through an axum router and `tower::ServiceExt::oneshot`, plus what FJE lacks.
//!
//! Run with `cargo test -p jwt-extended --test http`.

mod support;

mod authorization;
mod body_limit;
mod claims;
mod config;
mod cookies;
mod csrf;
mod custom_verification;
mod errors;
mod fresh;
mod glob_import;
mod headers;
mod hostile;
mod json_body;
mod key_loader;
mod keys;
mod locations;
mod manager_source;
mod optional;
mod options_passthrough;
mod policies;
mod props;
mod query_string;
#[cfg(feature = "remote-jwks")]
mod remote_jwks;
mod revocation;
mod rotation;
mod token_types;
mod user_lookup;
mod verified_cache;
mod verify_only;

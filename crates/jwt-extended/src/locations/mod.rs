//! Finding the token in a request: headers, cookies, query string, JSON body, tried in
//! the route's order. Only "no token here" moves on to the next location; the first
//! location that holds a token decides, even when that token turns out to be bad.

mod body;
pub(crate) mod cookie;
pub(crate) mod header;
mod query;

pub use body::BodyTokens;
#[cfg(feature = "axum")]
pub(crate) use body::is_json_content_type;

use std::borrow::Cow;

use http::request::Parts;

use crate::config::{JwtConfig, TokenLocation};
use crate::error::{JwtError, MissingToken};

/// A raw token found in a request, with the CSRF value that must match it (cookies only).
#[derive(Debug)]
pub(crate) struct FoundToken<'a> {
    pub(crate) token: Cow<'a, str>,
    pub(crate) location: TokenLocation,
    pub(crate) csrf: Option<Cow<'a, str>>,
}

/// The outcome of looking in one location.
pub(crate) enum Lookup<'a> {
    Found(FoundToken<'a>),
    /// Nothing here; the message explains what was expected.
    Missing(String),
}

/// Tries `locations` in order. `Err(NoToken)` when none holds a token.
pub(crate) fn find_token<'a>(
    parts: &'a Parts,
    config: &JwtConfig,
    locations: &[TokenLocation],
    refresh: bool,
) -> Result<FoundToken<'a>, JwtError> {
    // The common case (one location) produces its message without joining anything.
    if let [only] = locations {
        return match look(parts, config, *only, refresh)? {
            Lookup::Found(found) => Ok(found),
            Lookup::Missing(msg) => Err(JwtError::NoToken(MissingToken::new(msg, locations))),
        };
    }
    // Allocated only once a location comes up empty: not when the first one has the token.
    let mut missing = Vec::new();
    for &location in locations {
        match look(parts, config, location, refresh)? {
            Lookup::Found(found) => return Ok(found),
            Lookup::Missing(msg) => missing.push(msg),
        }
    }
    Err(JwtError::NoToken(MissingToken::new(
        missing_everywhere(locations, &missing),
        locations,
    )))
}

fn look<'a>(parts: &'a Parts, config: &JwtConfig, location: TokenLocation, refresh: bool) -> Result<Lookup<'a>, JwtError> {
    match location {
        TokenLocation::Headers => header::lookup(parts, config),
        TokenLocation::Cookies => cookie::lookup(parts, config, refresh),
        TokenLocation::QueryString => query::lookup(parts, config),
        TokenLocation::Json => body::lookup(parts, config, refresh),
    }
}

/// FJE's message: `Missing JWT in headers, cookies or json (a; b; c)`.
fn missing_everywhere(locations: &[TokenLocation], missing: &[String]) -> String {
    let names: Vec<&str> = locations.iter().map(|l| l.as_str()).collect();
    let (last, first) = names.split_last().unwrap_or((&"", &[]));
    format!("Missing JWT in {} or {} ({})", first.join(", "), last, missing.join("; "))
}

//! `?jwt=<token>` (name and an optional value prefix are configurable).

use std::borrow::Cow;

use http::request::Parts;

use super::{FoundToken, Lookup};
use crate::config::{JwtConfig, TokenLocation};
use crate::error::JwtError;

pub(super) fn lookup<'a>(parts: &'a Parts, config: &JwtConfig) -> Result<Lookup<'a>, JwtError> {
    let name = &config.query_string_name;
    let value = parts
        .uri
        .query()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == name.as_str())
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_empty());
    let Some(value) = value else {
        return Ok(Lookup::Missing(format!("Missing '{name}' query paramater")));
    };
    let prefix = &config.query_string_value_prefix;
    let Some(token) = value.strip_prefix(prefix.as_str()) else {
        return Err(JwtError::InvalidToken(Cow::Owned(format!(
            "Invalid value for query parameter '{name}'. Expected the value to start with '{prefix}'"
        ))));
    };
    Ok(Lookup::Found(FoundToken {
        token: Cow::Owned(token.to_string()),
        location: TokenLocation::QueryString,
        csrf: None,
    }))
}

//! `Authorization: Bearer <jwt>`, parsed the way Flask-JWT-Extended parses it: the value
//! may list several schemes (`Basic x, Bearer <jwt>`); exactly one entry must start with
//! the configured type; surrounding spaces and commas are ignored.

use std::borrow::Cow;

use http::request::Parts;

use super::{FoundToken, Lookup};
use crate::config::{JwtConfig, TokenLocation};
use crate::error::JwtError;

pub(super) fn lookup<'a>(parts: &'a Parts, config: &JwtConfig) -> Result<Lookup<'a>, JwtError> {
    let name = &config.header_name;
    let raw = match parts.headers.get(name.as_str()) {
        None => return Ok(Lookup::Missing(format!("Missing {name} Header"))),
        Some(value) => value,
    };
    let Ok(value) = raw.to_str() else {
        return Err(bad_header(config));
    };
    match parse(value, &config.header_type) {
        Parsed::Token(token) => Ok(Lookup::Found(FoundToken {
            token: Cow::Borrowed(token),
            location: TokenLocation::Headers,
            csrf: None,
        })),
        Parsed::Empty => Ok(Lookup::Missing(format!("Missing {name} Header"))),
        Parsed::NoEntryOfType => {
            let kind = &config.header_type;
            Ok(Lookup::Missing(format!(
                "Missing '{kind}' type in '{name}' header. Expected '{name}: {kind} <JWT>'"
            )))
        }
        Parsed::Malformed => Err(bad_header(config)),
    }
}

fn bad_header(config: &JwtConfig) -> JwtError {
    let name = &config.header_name;
    let msg = if config.header_type.is_empty() {
        format!("Bad {name} header. Expected '{name}: <JWT>'")
    } else {
        format!("Bad {name} header. Expected '{name}: {} <JWT>'", config.header_type)
    };
    JwtError::InvalidToken(Cow::Owned(msg))
}

/// The result of parsing one header value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed<'a> {
    Token(&'a str),
    Empty,
    NoEntryOfType,
    Malformed,
}

/// Parses a header value for `header_type` (empty type: the whole value is the token).
pub(crate) fn parse<'a>(value: &'a str, header_type: &str) -> Parsed<'a> {
    let value = value.trim().trim_matches(',');
    if value.is_empty() {
        return Parsed::Empty;
    }
    if header_type.is_empty() {
        let mut words = value.split_whitespace();
        return match (words.next(), words.next()) {
            (Some(token), None) => Parsed::Token(token),
            _ => Parsed::Malformed,
        };
    }
    let mut matching = split_entries(value).filter(|entry| entry.split_whitespace().next() == Some(header_type));
    let (Some(entry), None) = (matching.next(), matching.next()) else {
        return Parsed::NoEntryOfType;
    };
    let mut words = entry.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(_), Some(token), None) => Parsed::Token(token),
        _ => Parsed::Malformed,
    }
}

/// Splits on `,` followed by optional whitespace (Python's `re.split(r",\s*", ...)`).
fn split_entries(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(',')
        .enumerate()
        .map(|(i, entry)| if i == 0 { entry } else { entry.trim_start() })
        .filter(|e| !e.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_flask_jwt_extended() {
        assert_eq!(parse("Bearer abc", "Bearer"), Parsed::Token("abc"));
        assert_eq!(parse("  Bearer abc , ", "Bearer"), Parsed::Token("abc"));
        assert_eq!(parse("Basic x, Bearer abc", "Bearer"), Parsed::Token("abc"));
        assert_eq!(parse("Bearer abc,Basic x,", "Bearer"), Parsed::Token("abc"));
        assert_eq!(parse("Basic x", "Bearer"), Parsed::NoEntryOfType);
        assert_eq!(parse("bearer abc", "Bearer"), Parsed::NoEntryOfType);
        assert_eq!(parse("Bearer a, Bearer b", "Bearer"), Parsed::NoEntryOfType);
        assert_eq!(parse("Bearer", "Bearer"), Parsed::Malformed);
        assert_eq!(parse("Bearer a b", "Bearer"), Parsed::Malformed);
        assert_eq!(parse("", "Bearer"), Parsed::Empty);
        assert_eq!(parse(" , ", "Bearer"), Parsed::Empty);
        assert_eq!(parse("abc", ""), Parsed::Token("abc"));
        assert_eq!(parse("Bearer abc", ""), Parsed::Malformed);
    }
}

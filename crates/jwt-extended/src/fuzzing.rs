//! Entry points for the fuzz targets in `crates/jwt-extended/fuzz`: thin wrappers around
//! crate-private parsers that the public API reaches only through a whole request, so the
//! targets can assert invariants on the parsers' own output.
//!
//! Compiled only under `cfg(fuzzing)`, which cargo-fuzz sets for every crate it builds:
//! an ordinary build of the library has no such module, so it is no API at all.

use http::request::Parts;

use crate::locations::{cookie, header};

/// What the `Authorization` header parser made of one header value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizationHeader<'a> {
    /// The token of the single entry of the configured type.
    Token(&'a str),
    /// Nothing but spaces and commas.
    Empty,
    /// No entry, or more than one, starts with the configured type.
    NoEntryOfType,
    /// The entry of the configured type is not `<type> <token>`.
    Malformed,
}

/// Parses an `Authorization` header value for `header_type` (empty: the value is the token).
pub fn parse_authorization_header<'a>(value: &'a str, header_type: &str) -> AuthorizationHeader<'a> {
    match header::parse(value, header_type) {
        header::Parsed::Token(token) => AuthorizationHeader::Token(token),
        header::Parsed::Empty => AuthorizationHeader::Empty,
        header::Parsed::NoEntryOfType => AuthorizationHeader::NoEntryOfType,
        header::Parsed::Malformed => AuthorizationHeader::Malformed,
    }
}

/// The first cookie called `name` in the request's `Cookie` headers, as the cookie
/// location reads it.
pub fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookie::cookie_value(parts, name)
}

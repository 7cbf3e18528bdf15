//! The `Authorization` header parser, directly and through a whole request.
//!
//! Input: byte 0 picks the configured header type (`Bearer`, `JWT`, or none); the rest
//! is the header value. Invariants: a parsed token is a non-empty slice of the value
//! without whitespace (nor commas, when a type is configured); `verify_request` answers
//! exactly what the parse result and `decode_token` of the parsed token imply.
#![no_main]

use http::HeaderValue;
use jwt_extended::fuzzing::{AuthorizationHeader, parse_authorization_header};
use jwt_extended::{JwtError, JwtManager, RouteRules, TokenLocation};
use jwt_extended_fuzz::{HEADER_BEARER, HEADER_JWT, HEADER_UNTYPED, block_on, decode_checked};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, value)) = data.split_first() else { return };
    let manager: &JwtManager = match selector % 3 {
        0 => &HEADER_BEARER,
        1 => &HEADER_JWT,
        _ => &HEADER_UNTYPED,
    };
    let header_type = manager.config().header_type.as_str();
    if let Ok(text) = std::str::from_utf8(value) {
        check_parse(text, header_type);
    }
    if let Ok(header) = HeaderValue::from_bytes(value) {
        check_request(manager, header);
    }
});

fn check_parse(value: &str, header_type: &str) {
    match parse_authorization_header(value, header_type) {
        AuthorizationHeader::Token(token) => {
            assert!(!token.is_empty());
            assert!(!token.chars().any(char::is_whitespace), "token {token:?} contains whitespace");
            assert!(header_type.is_empty() || !token.contains(','), "token {token:?} contains a comma");
            let start = token.as_ptr() as usize - value.as_ptr() as usize;
            assert!(start + token.len() <= value.len(), "the token is a slice of the header value");
            if !header_type.is_empty() {
                // The token follows its type and whitespace.
                let before = value[..start].trim_end();
                assert!(before.len() < start && before.ends_with(header_type), "{value:?} -> {token:?}");
            }
        }
        AuthorizationHeader::Empty => {
            assert!(value.chars().all(|c| c.is_whitespace() || c == ','), "{value:?} is not empty");
        }
        AuthorizationHeader::NoEntryOfType => assert!(!header_type.is_empty()),
        AuthorizationHeader::Malformed => {}
    }
}

fn check_request(manager: &JwtManager, header: HeaderValue) {
    let header_type = manager.config().header_type.as_str();
    let parsed = header.to_str().ok().map(|v| parse_authorization_header(v, header_type));
    let mut request = http::Request::get("/protected").body(()).expect("request");
    request.headers_mut().insert(http::header::AUTHORIZATION, header.clone());
    let (parts, ()) = request.into_parts();
    let result = block_on(manager.verify_request(&parts, &RouteRules::default()));
    match (parsed, result) {
        (None | Some(AuthorizationHeader::Malformed), Err(JwtError::InvalidToken(msg))) => {
            assert!(msg.starts_with("Bad Authorization header"), "{msg}");
        }
        (Some(AuthorizationHeader::Empty | AuthorizationHeader::NoEntryOfType), Err(JwtError::NoToken(msg))) => {
            assert!(msg.message().starts_with("Missing"), "{msg}");
        }
        (Some(AuthorizationHeader::Token(token)), result) => match (decode_checked(manager, token), result) {
            (Ok(decoded), Ok(Some(verified))) => {
                assert_eq!(verified.location, TokenLocation::Headers);
                assert_eq!(verified.token, decoded);
            }
            (Ok(decoded), Err(JwtError::WrongType { .. })) => {
                assert_eq!(decoded.claims.token_type(), jwt_extended::TokenType::Refresh);
            }
            (Err(expected), Err(got)) => assert_eq!(expected.message(), got.message()),
            (expected, got) => panic!("{header:?}: decode_token gave {expected:?}, the request {got:?}"),
        },
        (parsed, result) => panic!("{header:?} parsed as {parsed:?} but the request gave {result:?}"),
    }
}

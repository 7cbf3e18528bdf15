//! Request ids: every request gets the server's own `x-request-id` (a new UUID v7), set
//! on the request's `x-request-id` header for the handlers, returned on the response and
//! recorded on the request's tracing span (see `request_scope.rs`), so every log line of
//! a request carries it. A client's own `X-Request-Id` (when short and printable) is
//! logged as a field of its own, `client_request_id`: a client cannot choose the id the
//! server's logs are searched by, nor make two requests share one.
//! Credentials are never logged: the headers that carry them are marked sensitive (see
//! `sensitive.rs`) and print as `Sensitive`; bodies and query strings are not logged at
//! all.

use http::{HeaderName, HeaderValue};

/// The request id header, read from requests and written on responses.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest client-supplied request id kept as is.
const MAX_CLIENT_ID_LEN: usize = 128;

/// The client's own request id, when it is acceptable.
pub fn client_id(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .get(&REQUEST_ID)
        .filter(|value| acceptable(value))
        .and_then(|value| value.to_str().ok())
}

/// A client id is kept when it is 1–128 visible ASCII characters (no log forging).
fn acceptable(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty() && bytes.len() <= MAX_CLIENT_ID_LEN && bytes.iter().all(u8::is_ascii_graphic)
}

/// A new server id.
pub fn new_id() -> HeaderValue {
    // Encoded on the stack: `to_string()` went through the formatting machinery and an
    // extra allocation on every request.
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let text = uuid::Uuid::now_v7().hyphenated().encode_lower(&mut text);
    HeaderValue::from_str(text).expect("a UUID is a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_kept_only_when_printable_and_short() {
        assert!(acceptable(&HeaderValue::from_static("abc-123_XYZ")));
        assert!(!acceptable(&HeaderValue::from_static("")));
        assert!(!acceptable(&HeaderValue::from_static("with space")));
        assert!(!acceptable(&HeaderValue::from_str(&"a".repeat(129)).unwrap()));
        assert!(acceptable(&HeaderValue::from_str(&"a".repeat(128)).unwrap()));
    }

    #[test]
    fn generated_ids_are_uuid_v7() {
        let id = new_id();
        let parsed = uuid::Uuid::parse_str(id.to_str().unwrap()).unwrap();
        assert_eq!(parsed.get_version_num(), 7);
        assert_ne!(new_id(), id);
    }
}

//! Request ids: every request gets the server's own `x-request-id` (a new UUID v7),
//! returned on the response and recorded on the request's tracing span (see
//! `telemetry/request_span.rs`), so every log line of a request carries it. No handler reads it,
//! so it is not written into the request's headers (a copy and an insert per request).
//! A client's own `X-Request-Id` (when short and printable) is logged as a field of its
//! own, `client_request_id`: a client cannot choose the id the server's logs are searched
//! by, nor make two requests share one.
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

/// A new server id: the time in milliseconds and 74 random bits.
pub fn new_id() -> uuid::Uuid {
    // `NoContext`: `Uuid::now_v7` orders the ids of one millisecond with a counter kept
    // behind one mutex for the whole process, which every request on every worker thread
    // then takes. A request id needs to be unique, not ordered within its millisecond.
    uuid::Uuid::new_v7(uuid::Timestamp::now(uuid::NoContext))
}

/// The `x-request-id` value of `id`.
pub fn header_value(id: uuid::Uuid) -> HeaderValue {
    // Encoded on the stack: `to_string()` went through the formatting machinery and an
    // extra allocation on every request.
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let text = id.hyphenated().encode_lower(&mut text);
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
        let parsed = uuid::Uuid::parse_str(header_value(id).to_str().unwrap()).unwrap();
        assert_eq!(parsed, id);
        assert_eq!(parsed.get_version_num(), 7);
        assert_ne!(new_id(), id);
    }

    #[test]
    fn ids_made_at_once_on_several_threads_are_all_different_and_carry_the_time() {
        let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..10_000).map(|_| new_id()).collect::<Vec<_>>()))
            .collect();
        let ids: Vec<uuid::Uuid> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
        let after = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
        let distinct: std::collections::HashSet<&uuid::Uuid> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        for id in &ids {
            let (secs, nanos) = id.get_timestamp().unwrap().to_unix();
            let millis = u128::from(secs) * 1000 + u128::from(nanos / 1_000_000);
            assert!((before.as_millis()..=after.as_millis()).contains(&millis), "{id:?}");
        }
    }
}

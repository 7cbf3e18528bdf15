//! Arbitrary bytes as the body of `POST /api/v1/auth/login` (JSON or HTML form) and
//! `POST /api/v1/auth/register` (JSON), through the server's own body reading, parsing and
//! field validation (`auth_server::fuzzing`).
//!
//! Input: byte 0 picks the endpoint (bit 0: login or register), the `Content-Type` (bits
//! 1-3, from `CONTENT_TYPES`) and how the body arrives (bits 4-7: one frame, or frames of
//! 2^n bytes without a length, as a chunked upload does); the rest is the body.
//! Invariants: no panic; a wrong content type is a 415, then a body over the limit a 413,
//! anything else a 400 or an accepted body; every refusal is a JSON object with a string
//! `msg`; an accepted body satisfies API.md's rules for its endpoint.
#![no_main]

use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::IntoResponse;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use http_body::Frame;
use libfuzzer_sys::fuzz_target;

/// The body limit of the fuzzed requests (the server's default is 64 KiB; a smaller one
/// lets the fuzzer reach the 413 paths within `-max_len`).
const LIMIT: usize = 4096;

/// `(Content-Type, what it is)`.
const CONTENT_TYPES: [(Option<&str>, Kind); 8] = [
    (Some("application/json"), Kind::Json),
    (Some("application/x-www-form-urlencoded"), Kind::Form),
    (Some("application/json; charset=utf-8"), Kind::Json),
    (Some("Application/JSON"), Kind::Json),
    (Some("application/problem+json"), Kind::Json),
    (Some("application/x-www-form-urlencoded; charset=ISO-8859-1"), Kind::Form),
    (Some("text/plain"), Kind::Other),
    (None, Kind::Other),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    Form,
    Other,
}

static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().build().expect("a Tokio runtime"));

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else { return };
    let register = flags & 1 != 0;
    let (content_type, kind) = CONTENT_TYPES[usize::from((flags >> 1) & 7)];
    let chunk = match flags >> 4 {
        0 => usize::MAX,
        n => 1 << (n - 1),
    };
    let mut headers = HeaderMap::new();
    if let Some(value) = content_type {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
    }
    let request_body = Body::new(Chunks {
        rest: Bytes::copy_from_slice(body),
        size: chunk,
    });
    let readable = kind == Kind::Json || (kind == Kind::Form && !register);
    let expected = if !readable {
        Some(StatusCode::UNSUPPORTED_MEDIA_TYPE)
    } else if body.len() > LIMIT {
        Some(StatusCode::PAYLOAD_TOO_LARGE)
    } else {
        None
    };
    RUNTIME.block_on(async {
        let refusal = if register {
            match auth_server::fuzzing::register_body(&headers, request_body, LIMIT).await {
                Ok(accepted) => {
                    assert_eq!(expected, None, "accepted");
                    check_registration(&accepted);
                    return;
                }
                Err(e) => e,
            }
        } else {
            match auth_server::fuzzing::login_body(&headers, request_body, LIMIT).await {
                Ok(accepted) => {
                    assert_eq!(expected, None, "accepted");
                    assert!(!accepted.username.is_empty(), "an empty username was accepted");
                    let length = accepted.username.chars().count();
                    assert!(length <= 64, "a login username of {length} characters was accepted");
                    return;
                }
                Err(e) => e,
            }
        };
        check_refusal(refusal, expected).await;
    });
});

/// API.md's rules for an accepted registration.
fn check_registration(r: &auth_server::routes::auth::register::RegisterRequest) {
    let username = r.username.chars().count();
    assert!((3..=64).contains(&username), "username of {username} characters accepted");
    assert!(
        r.username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '@')),
        "username {:?} accepted",
        r.username
    );
    let password = r.password.chars().count();
    assert!((8..=1024).contains(&password), "password of {password} characters accepted");
    if let Some(age) = r.age.map(|a| a.0) {
        assert!((0..=150).contains(&age), "age {age} accepted");
    }
    if let Some(email) = &r.email {
        assert!(
            email.contains('@') && !email.contains(char::is_whitespace),
            "email {email:?} accepted"
        );
    }
}

/// A refusal is a client error with a JSON `msg`: `expected` when given, else a 400.
async fn check_refusal(refusal: auth_server::http::error::ApiError, expected: Option<StatusCode>) {
    let response = refusal.into_response();
    let status = response.status();
    assert_eq!(status, expected.unwrap_or(StatusCode::BAD_REQUEST), "{response:?}");
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024).await.expect("an error body");
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("a JSON error body");
    assert!(json["msg"].is_string(), "no msg in {json}");
}

/// A body that arrives in frames of `size` bytes and has no known length.
struct Chunks {
    rest: Bytes,
    size: usize,
}

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.rest.is_empty() {
            return Poll::Ready(None);
        }
        let n = self.size.min(self.rest.len());
        let data = self.rest.split_to(n);
        Poll::Ready(Some(Ok(Frame::data(data))))
    }
}

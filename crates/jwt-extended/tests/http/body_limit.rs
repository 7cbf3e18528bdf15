//! The layer's body limit: a body it must read for a token is refused with 413 whether
//! its size is declared or only discovered while reading, the answer goes through the
//! error handlers like any token error, and a limit set further out is recognised by its
//! error type.

use axum::Json;
use axum::body::Body;
use axum::response::IntoResponse;
use http::StatusCode;
use jwt_extended::{JwtError, JwtManager, TokenLocation};
use serde_json::json;

use crate::support::{app, builder, post};

const LIMIT: usize = 1024;

fn json_manager(limit: usize) -> JwtManager {
    builder()
        .token_locations([TokenLocation::Json])
        .max_body_bytes(limit)
        .build()
        .unwrap()
}

/// A body over [`LIMIT`] whose size is only known once it has been read.
fn streamed_oversized_body() -> Body {
    let chunks = (0..8).map(|_| Ok::<_, std::io::Error>(vec![b' '; LIMIT / 2]));
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn a_streamed_body_over_the_limit_is_413() {
    let reply = post("/protected")
        .body("application/json", streamed_oversized_body())
        .send(&app(&json_manager(LIMIT)))
        .await;
    assert_eq!((reply.status.as_u16(), reply.msg()), (413, "Request body too large".to_string()));
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_413_before_reading() {
    let reply = post("/protected")
        .header("content-length", (LIMIT + 1).to_string())
        .body("application/json", "x".repeat(LIMIT + 1))
        .send(&app(&json_manager(LIMIT)))
        .await;
    assert_eq!((reply.status.as_u16(), reply.msg()), (413, "Request body too large".to_string()));
}

#[tokio::test]
async fn a_body_within_the_limit_still_carries_its_token() {
    let jwt = json_manager(LIMIT);
    let token = jwt.create_access_token("alice").unwrap();
    let reply = post("/protected").json(&json!({ "access_token": token })).send(&app(&jwt)).await;
    reply.assert_ok_as("alice");
}

#[tokio::test]
async fn the_413_goes_through_on_error_with_the_limit_in_the_error() {
    let jwt = builder()
        .token_locations([TokenLocation::Json])
        .max_body_bytes(LIMIT)
        .on_error(|e: &JwtError| {
            let limit = match e {
                JwtError::BodyTooLarge { limit } => Some(*limit),
                _ => None,
            };
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                Json(json!({ "msg": e.message(), "error": e.code(), "limit": limit })),
            )
                .into_response()
        })
        .build()
        .unwrap();
    for body in [Body::from("x".repeat(LIMIT + 1)), streamed_oversized_body()] {
        let reply = post("/protected").body("application/json", body).send(&app(&jwt)).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(reply.json()["error"], "body_too_large");
        assert_eq!(reply.json()["limit"], LIMIT);
    }
}

#[tokio::test]
async fn an_outer_limit_is_recognised_by_its_error_type() {
    // The layer's own limit is generous; the body was already capped further out, as
    // tower-http's RequestBodyLimit does, so reading it fails with a LengthLimitError.
    let capped = Body::new(http_body_util::Limited::new(Body::from("x".repeat(4 * LIMIT)), LIMIT));
    let reply = post("/protected")
        .body("application/json", capped)
        .send(&app(&json_manager(1 << 20)))
        .await;
    assert_eq!((reply.status.as_u16(), reply.msg()), (413, "Request body too large".to_string()));
}

#[tokio::test]
async fn a_body_that_fails_for_another_reason_is_400() {
    let broken = Body::from_stream(futures_util::stream::iter([
        Ok(b"{\"access_token\":".to_vec()),
        Err(std::io::Error::other("connection reset")),
    ]));
    let reply = post("/protected")
        .body("application/json", broken)
        .send(&app(&json_manager(LIMIT)))
        .await;
    assert_eq!(
        (reply.status.as_u16(), reply.msg()),
        (400, "Failed to read the request body".to_string())
    );
}

#[tokio::test]
async fn bodies_of_other_types_are_never_read() {
    // Only JSON and form bodies can hold a token; anything else passes untouched, however long.
    let reply = post("/protected")
        .body("text/plain", streamed_oversized_body())
        .send(&app(&json_manager(LIMIT)))
        .await;
    assert_eq!(
        (reply.status.as_u16(), reply.msg()),
        (401, "Invalid content-type. Must be application/json.".to_string())
    );
}

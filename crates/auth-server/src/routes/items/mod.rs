//! The tutorials' demo resources: `/api/v1/secret`, `/api/v1/optional`, `/api/v1/items`.

mod resources;

use axum::Json;
use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, header};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::answers::TokenRefused;
use crate::http::caller::Token;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "demo", description = "The tutorials' example resources")))]
struct ItemsApi;

/// The demo resource routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ItemsApi::openapi())
        .routes(routes!(secret))
        .routes(routes!(optional))
        .routes(routes!(resources::list_items, resources::create_item))
        .routes(routes!(resources::delete_item))
}

/// `{"answer": 42}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Secret {
    #[schema(example = 42)]
    pub answer: i64,
}

/// `{"logged_in_as": ...}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoggedInAs {
    /// The username, or `anonymous user`.
    #[schema(example = "alice")]
    pub logged_in_as: String,
}

/// A protected resource.
#[utoipa::path(
    get,
    path = "/api/v1/secret",
    tag = "demo",
    responses(
        (status = 200, description = "The answer", body = Secret),
        TokenRefused,
    ),
    security(("bearer" = []))
)]
async fn secret(_jwt: Token) -> Response {
    secret_answer()
}

/// `Json(Secret { answer: 42 })`, whose bytes never change: written once instead of
/// serialised on every request (a test checks both answers are the same).
fn secret_answer() -> Response {
    let mut response = Response::new(Body::from(r#"{"answer":42}"#));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Works with or without a token; a present but bad token is still refused.
#[utoipa::path(
    get,
    path = "/api/v1/optional",
    tag = "demo",
    responses(
        (status = 200, description = "Who is calling", body = LoggedInAs),
        TokenRefused,
    ),
    security((), ("bearer" = []))
)]
async fn optional(jwt: Option<Token>) -> Json<LoggedInAs> {
    let name = jwt
        .as_ref()
        .and_then(|j| j.claims().str_claim("username"))
        .unwrap_or("anonymous user");
    Json(LoggedInAs {
        logged_in_as: name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse;
    use http_body_util::BodyExt;

    use super::*;

    async fn parts(response: Response) -> (http::StatusCode, http::HeaderMap, axum::body::Bytes) {
        let (parts, body) = response.into_parts();
        (parts.status, parts.headers, body.collect().await.unwrap().to_bytes())
    }

    #[tokio::test]
    async fn the_secret_is_answered_as_json_would_answer_it() {
        let serialised = Json(Secret { answer: 42 }).into_response();
        assert_eq!(parts(secret_answer()).await, parts(serialised).await);
    }
}

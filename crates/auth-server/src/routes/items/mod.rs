//! The tutorials' demo resources: `/api/v1/secret`, `/api/v1/optional`, `/api/v1/items`.

mod resources;

use axum::Json;
use jwt_extended::Jwt;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::answers::TokenRefused;
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
async fn secret(_jwt: Jwt) -> Json<Secret> {
    Json(Secret { answer: 42 })
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
async fn optional(jwt: Option<Jwt>) -> Json<LoggedInAs> {
    let name = jwt
        .as_ref()
        .and_then(|j| j.claims().str_claim("username"))
        .unwrap_or("anonymous user");
    Json(LoggedInAs {
        logged_in_as: name.to_string(),
    })
}

//! The tutorials' demo resources: `/api/v1/secret`, `/api/v1/optional`, `/api/v1/items`.

mod resources;

use axum::Json;
use axum::Router;
use axum::routing::{delete, get};
use jwt_extended::Jwt;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use crate::http::error::ErrorBody;
use crate::state::AppState;

/// The demo resource routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/secret", get(secret))
        .route("/api/v1/optional", get(optional))
        .route("/api/v1/items", get(resources::list_items).post(resources::create_item))
        .route("/api/v1/items/{name}", delete(resources::delete_item))
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
        (status = 401, description = "Missing, invalid, expired or revoked token", body = ErrorBody),
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
        (status = 401, description = "A present but invalid, expired or revoked token", body = ErrorBody),
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

#[derive(OpenApi)]
#[openapi(
    paths(secret, optional, resources::list_items, resources::create_item, resources::delete_item),
    components(schemas(Secret, LoggedInAs, resources::ItemList, resources::NewItemRequest, crate::infra::store::Item, ErrorBody)),
    tags((name = "demo", description = "The tutorials' example resources"))
)]
struct ItemsApi;

/// The OpenAPI document of the demo routes (merged into `/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    ItemsApi::openapi()
}

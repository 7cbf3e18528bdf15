//! `/openapi.json`: serves the OpenAPI 3 document that `app::openapi` assembles from every
//! route module's router, this one included. The document exists only once every router
//! is built, so the route holds an [`ApiDocument`] the application publishes into then.

use std::sync::{Arc, OnceLock};

use axum::Extension;
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::header;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::state::AppState;

/// The whole document, serialised once, shared by the route and the application that
/// publishes it.
#[derive(Clone, Default)]
pub struct ApiDocument(Arc<OnceLock<Bytes>>);

impl ApiDocument {
    /// Serialises `doc` as the document to serve (the first one published stays).
    pub fn publish(&self, doc: &utoipa::openapi::OpenApi) {
        let json = doc.to_json().expect("the OpenAPI document serialises");
        let _ = self.0.set(Bytes::from(json));
    }
}

/// The `/openapi.json` route, serving `document`.
pub fn router(document: ApiDocument) -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(openapi_json)).layer(Extension(document))
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json", body = Object)),
    security(())
)]
pub async fn openapi_json(Extension(ApiDocument(json)): Extension<ApiDocument>) -> Result<Response, ApiError> {
    let json = json
        .get()
        .cloned()
        .ok_or_else(|| ApiError::Internal("the OpenAPI document was never published".into()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

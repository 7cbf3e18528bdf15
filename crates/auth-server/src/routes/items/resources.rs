//! The items resource: anyone may list (a token is optional), a fresh token creates, an
//! admin deletes.

use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;
use jwt_extended::{Fresh, Jwt};
use serde::{Deserialize, Serialize};

use crate::domain::users::validate::FieldErrors;
use crate::http::caller::{AdminCaller, Caller};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiJson;
use crate::infra::store::{Item, NewItem};
use crate::state::AppState;

/// `{items: [...]}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemList {
    pub items: Vec<Item>,
}

/// A new item.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewItemRequest {
    /// 1–100 characters.
    #[schema(example = "piano")]
    pub name: String,
    /// Zero or more.
    #[schema(example = 1500.0)]
    pub price: f64,
}

/// `{msg}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deleted {
    #[schema(example = "Item deleted.")]
    pub msg: String,
}

/// Every item.
#[utoipa::path(
    get,
    path = "/api/v1/items",
    tag = "demo",
    responses(
        (status = 200, description = "All items", body = ItemList),
        (status = 401, description = "A present but bad token", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn list_items(State(state): State<AppState>, _jwt: Option<Jwt>) -> Result<Json<ItemList>, ApiError> {
    Ok(Json(ItemList {
        items: state.store.list_items().await?,
    }))
}

/// Creates an item owned by the caller (fresh token required).
#[utoipa::path(
    post,
    path = "/api/v1/items",
    tag = "demo",
    request_body = NewItemRequest,
    responses(
        (status = 201, description = "Created", body = Item),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 401, description = "Missing, invalid or non-fresh token (`Fresh token required`)", body = ErrorBody),
        (status = 409, description = "The name exists", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_item(
    State(state): State<AppState>,
    caller: Caller<Fresh>,
    ApiJson(body): ApiJson<NewItemRequest>,
) -> Result<(StatusCode, Json<Item>), ApiError> {
    let name = body.name.trim().to_string();
    let mut errors = FieldErrors::default();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        errors.add("name", "must be 1 to 100 printable characters");
    }
    if !body.price.is_finite() || body.price < 0.0 {
        errors.add("price", "must be a number of zero or more");
    }
    errors.finish()?;
    let item = state
        .store
        .create_item(NewItem {
            name,
            price: body.price,
            owner_id: caller.id,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// Deletes an item by name (admin claim required).
#[utoipa::path(
    delete,
    path = "/api/v1/items/{name}",
    tag = "demo",
    params(("name" = String, Path, description = "Item name")),
    responses(
        (status = 200, description = "Deleted", body = Deleted),
        (status = 401, description = "Missing, invalid or revoked token", body = ErrorBody),
        (status = 403, description = "Admin privilege required", body = ErrorBody),
        (status = 404, description = "Item not found", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_item(State(state): State<AppState>, caller: AdminCaller, Path(name): Path<String>) -> Result<Json<Deleted>, ApiError> {
    caller.require_admin(&state).await?;
    if !state.store.delete_item(&name).await? {
        return Err(ApiError::NotFound("Item not found"));
    }
    Ok(Json(Deleted {
        msg: "Item deleted.".into(),
    }))
}

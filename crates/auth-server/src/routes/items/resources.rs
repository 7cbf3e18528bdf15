//! The items resource: anyone may list (a token is optional), a fresh token creates, an
//! admin deletes.

use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;
use jwt_extended::Fresh;
use serde::{Deserialize, Serialize};

use crate::domain::users::validate::FieldErrors;
use crate::http::answers::{AdminRefused, BodyRefused, TokenRefused};
use crate::http::caller::{AdminCaller, Caller, Token};
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
#[serde(deny_unknown_fields)]
pub struct NewItemRequest {
    /// 1–100 characters, not all white space, no control characters; stored without the
    /// white space around it.
    #[schema(
        example = "piano",
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub name: String,
    /// Zero or more.
    #[schema(example = 1500.0, minimum = 0)]
    pub price: f64,
}

/// What an item's name must be (the schema above says the same; a test holds them together).
fn check_name(name: &str) -> Result<(), String> {
    let printable = !name.chars().any(char::is_control) && !name.trim().is_empty();
    if printable && name.chars().count() <= 100 {
        Ok(())
    } else {
        Err("must be 1 to 100 printable characters".into())
    }
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
        TokenRefused,
    ),
    security((), ("bearer" = []))
)]
pub async fn list_items(State(state): State<AppState>, _jwt: Option<Token>) -> Result<Json<ItemList>, ApiError> {
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
        BodyRefused,
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
    let mut errors = FieldErrors::default();
    errors.check("name", check_name(&body.name));
    if !body.price.is_finite() || body.price < 0.0 {
        errors.add("price", "must be a number of zero or more");
    }
    errors.finish()?;
    let item = state
        .store
        .create_item(NewItem {
            name: body.name.trim().to_string(),
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
        AdminRefused,
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

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    use super::*;

    #[test]
    fn the_schema_states_the_name_rule() {
        let schema = serde_json::to_value(NewItemRequest::schema()).unwrap();
        let name = &schema["properties"]["name"];
        let pattern = regex::Regex::new(name["pattern"].as_str().unwrap()).unwrap();
        let max = name["maxLength"].as_u64().unwrap() as usize;
        let long = "x".repeat(100);
        let longer = format!(" {long}");
        let names = [
            "piano", " piano ", "", " ", "\u{3000}", "a\tb", "piano\n", "a\u{85}", "é", "\u{feff}", &long, &longer,
        ];
        for value in names {
            let allowed = pattern.is_match(value) && (1..=max).contains(&value.chars().count());
            assert_eq!(allowed, check_name(value).is_ok(), "{value:?}");
        }
    }
}

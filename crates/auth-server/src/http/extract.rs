//! Request extractors whose rejections are the API's JSON errors. axum's own `Json`,
//! `Form` and `Query` rejections are plain text; these wrap them so that a malformed body
//! is a 400 with `msg` (and the failing field under `errors` when serde names one), a body
//! in the wrong format a 415, and a body over `--max-body-bytes` a 413.
//!
//! The body limit itself is enforced once, by the request scope (`middleware::limits`),
//! which caps every body; reading here only recognises that cap by its error type.

use std::error::Error as _;

use axum::Form;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use http::request::Parts;
use http::{HeaderMap, header};
use http_body_util::{BodyExt, LengthLimitError};
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;
use crate::state::AppState;

/// A JSON body (`application/json` or `application/*+json`).
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

/// A JSON or an HTML-form (`application/x-www-form-urlencoded`) body.
#[derive(Debug, Clone)]
pub struct JsonOrForm<T>(pub T);

/// Query parameters.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Json,
    Form,
}

/// Whether the request declares a JSON body (`application/json`, `application/*+json`).
pub fn is_json(headers: &HeaderMap) -> bool {
    body_kind(headers) == Some(BodyKind::Json)
}

fn body_kind(headers: &HeaderMap) -> Option<BodyKind> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json")) {
        Some(BodyKind::Json)
    } else if mime == "application/x-www-form-urlencoded" {
        Some(BodyKind::Form)
    } else {
        None
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        read_json(&parts.headers, body).await.map(ApiJson)
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for JsonOrForm<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        read_json_or_form(&parts.headers, body).await.map(JsonOrForm)
    }
}

/// What [`ApiJson`] does with a request's headers and body: 415 unless the content type
/// is JSON, 413 past the body limit, 400 when the body does not deserialise into `T`.
pub async fn read_json<T: DeserializeOwned>(headers: &HeaderMap, body: Body) -> Result<T, ApiError> {
    if !is_json(headers) {
        return Err(ApiError::UnsupportedMediaType(
            "Expected a JSON body (Content-Type: application/json)",
        ));
    }
    let bytes = read_body(body).await?;
    parse_json(&bytes)
}

/// What [`JsonOrForm`] does: like [`read_json`], but an HTML-form body is read too.
pub async fn read_json_or_form<T: DeserializeOwned>(headers: &HeaderMap, body: Body) -> Result<T, ApiError> {
    let kind = body_kind(headers).ok_or(ApiError::UnsupportedMediaType(
        "Expected a JSON or form body (Content-Type: application/json or application/x-www-form-urlencoded)",
    ))?;
    let bytes = read_body(body).await?;
    match kind {
        BodyKind::Json => parse_json(&bytes),
        BodyKind::Form => parse_form(bytes).await,
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| deserialize_error(&rejection.body_text(), "Failed to deserialize query string: "))
    }
}

/// Reads the whole body: 413 when it runs into the request scope's limit (recognised by
/// its `LengthLimitError`, wherever in the error's chain), 400 when it cannot be read for
/// another reason (the client went away).
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    match body.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) => Err(body_error(&e)),
    }
}

fn body_error(error: &axum::Error) -> ApiError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<LengthLimitError>() {
            return ApiError::PayloadTooLarge;
        }
        cause = e.source();
    }
    ApiError::BadRequest("Failed to read the request body".into())
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    use axum::extract::rejection::JsonRejection;
    // Every body of the API is an object, but serde's derived structs also accept an array
    // of the field values in declaration order (`["alice", "password"]` as a login).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(ApiError::BadRequest("Invalid request: expected a JSON object".into()));
    }
    match Json::<T>::from_bytes(bytes) {
        Ok(Json(value)) => Ok(value),
        Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::BadRequest(format!(
            "Malformed JSON: {}",
            e.source().map_or_else(|| e.body_text(), |s| s.to_string())
        ))),
        Err(rejection) => Err(deserialize_error(
            &rejection.body_text(),
            "Failed to deserialize the JSON body into the target type: ",
        )),
    }
}

async fn parse_form<T: DeserializeOwned>(bytes: Bytes) -> Result<T, ApiError> {
    let request = Request::builder()
        .method(http::Method::POST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(bytes))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    match Form::<T>::from_request(request, &()).await {
        Ok(Form(value)) => Ok(value),
        Err(rejection) => Err(deserialize_error(&rejection.body_text(), "Failed to deserialize form body: ")),
    }
}

/// Turns serde's message into a field error when it names a field (`missing field `x``,
/// `unknown field `x``, or `x: invalid type ...` from the path-aware deserializer).
fn deserialize_error(text: &str, prefix: &str) -> ApiError {
    let detail = text.strip_prefix(prefix).unwrap_or(text);
    let detail = detail.split(" at line ").next().unwrap_or(detail);
    if let Some(field) = quoted_after(detail, "missing field `") {
        return ApiError::field(field, "is required");
    }
    if let Some(field) = quoted_after(detail, "unknown field `") {
        // The client chose this name: it is echoed only when it reads as a field name, so
        // an answer never carries arbitrary client text (such as serde_json's reserved
        // `$serde_json::private::RawValue`, which would make the error body unreadable to
        // a serde_json client).
        if is_plain_name(field) {
            return ApiError::field(field, "is not allowed");
        }
        return ApiError::BadRequest("Invalid request: a member that is not allowed".into());
    }
    if let Some((path, message)) = detail.split_once(": ")
        && !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
    {
        return ApiError::field(path, message);
    }
    ApiError::BadRequest(format!("Invalid request: {detail}"))
}

/// 1–64 ASCII letters, digits, `_`, `-` or `.`.
fn is_plain_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    rest.find('`').map(|end| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: ApiError) -> Option<String> {
        match e {
            ApiError::Validation { errors, .. } => errors.keys().next().cloned(),
            _ => None,
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        age: Option<u8>,
    }

    #[test]
    fn an_unknown_member_is_named_only_when_it_reads_as_a_field_name() {
        let reserved = br#"{"name":"a","$serde_json::private::RawValue":[1]}"#;
        let error = parse_json::<Sample>(reserved).unwrap_err();
        assert!(field_of(parse_json::<Sample>(reserved).unwrap_err()).is_none());
        let body = axum::body::to_bytes(axum::response::IntoResponse::into_response(error).into_body(), 4096);
        let bytes = futures_util::FutureExt::now_or_never(body).unwrap().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).expect("readable JSON");
        assert!(json["msg"].as_str().unwrap().contains("not allowed"), "{json}");
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(field_of(parse_json::<Sample>(br#"{}"#).unwrap_err()).as_deref(), Some("name"));
        assert_eq!(
            field_of(parse_json::<Sample>(br#"{"name":"a","x":1}"#).unwrap_err()).as_deref(),
            Some("x")
        );
        assert_eq!(
            field_of(parse_json::<Sample>(br#"{"name":"a","age":"old"}"#).unwrap_err()).as_deref(),
            Some("age")
        );
        let array = parse_json::<Sample>(br#" ["a", 3]"#).unwrap_err();
        assert!(
            matches!(&array, ApiError::BadRequest(m) if m.contains("expected a JSON object")),
            "{array:?}"
        );
        let syntax = parse_json::<Sample>(br#"{"name":"#).unwrap_err();
        assert!(
            matches!(&syntax, ApiError::BadRequest(m) if m.starts_with("Malformed JSON")),
            "{syntax:?}"
        );
        assert!(parse_json::<Sample>(br#"{"name":"a","age":3}"#).is_ok());
    }

    #[tokio::test]
    async fn form_errors_name_the_field() {
        assert_eq!(
            field_of(parse_form::<Sample>(Bytes::from_static(b"age=3")).await.unwrap_err()).as_deref(),
            Some("name")
        );
        assert!(parse_form::<Sample>(Bytes::from_static(b"name=a%20b")).await.is_ok());
    }

    #[tokio::test]
    async fn the_request_scopes_limit_is_a_413() {
        use crate::http::middleware::limits::limited_body;
        let over = read_body(limited_body(Body::from("12345"), 4)).await;
        assert!(matches!(over, Err(ApiError::PayloadTooLarge)), "{over:?}");
        let within = read_body(limited_body(Body::from("1234"), 4)).await.unwrap();
        assert_eq!(within, Bytes::from_static(b"1234"));
        // Any other read failure is the client's broken body, not a size.
        let broken = Body::from_stream(futures_util::stream::iter([Err::<Bytes, _>(std::io::Error::other("reset"))]));
        assert!(matches!(read_body(broken).await, Err(ApiError::BadRequest(_))));
    }
}

//! The error answers many routes share, documented once as `utoipa::IntoResponses` types:
//! a handler names the ones its extractors and rules can cause in its `responses(...)`
//! (`TokenRefused` beside a `Caller`, `BodyRefused` beside an `ApiJson`, ...), and a
//! status it answers for a reason of its own is written after them, so its description
//! wins (login's 401 is a bad password, not a bad token).
//!
//! Why types named by the handlers rather than the former post-processing of the whole
//! document: which answers a route gives follows from its signature, so it is written next
//! to the signature and read with it, and the document cannot claim a 401 for a route
//! that takes no token. The one exception is [`Unavailable`] (503): the middleware stack
//! around every route answers it when the request deadline passes, whatever the handler,
//! so `app::openapi`, which assembles that stack, adds it to every operation.
//!
//! Every body is an [`ErrorBody`](crate::http::error::ErrorBody), referenced by name; the
//! document registers that schema once (`app::openapi`), since no handler names it.

use std::collections::BTreeMap;

use utoipa::IntoResponses;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder, Type};

/// The name of the error body schema every answer here refers to.
pub const ERROR_BODY: &str = "ErrorBody";

/// An error answer: `description` and a JSON [`ERROR_BODY`].
fn error_answer(description: &str) -> ResponseBuilder {
    let body = ContentBuilder::new().schema(Some(Ref::from_schema_name(ERROR_BODY))).build();
    ResponseBuilder::new().description(description).content("application/json", body)
}

fn answers<const N: usize>(list: [(&str, ResponseBuilder); N]) -> BTreeMap<String, RefOr<Response>> {
    list.into_iter()
        .map(|(status, answer)| (status.to_string(), answer.build().into()))
        .collect()
}

/// The answer that says when to try again (`Retry-After`, in seconds).
fn retry_later(description: &str) -> ResponseBuilder {
    let seconds = HeaderBuilder::new()
        .schema(utoipa::openapi::ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
        .description(Some("Seconds to wait before trying again"))
        .build();
    error_answer(description).header("Retry-After", seconds)
}

/// Routes that take a token (`Caller`, `Jwt`): 401 for a missing (where required),
/// malformed, invalid, expired or revoked one.
pub struct TokenRefused;

impl IntoResponses for TokenRefused {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers([(
            "401",
            error_answer("A missing (where required), malformed, invalid, expired or revoked token; `msg` says which"),
        )])
    }
}

/// Admin-only routes (`AdminCaller`): a token's answers, and 403 for a token or an
/// account without the admin role.
pub struct AdminRefused;

impl IntoResponses for AdminRefused {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = TokenRefused::responses();
        responses.extend(answers([("403", error_answer("Admin privilege required"))]));
        responses
    }
}

/// Routes that read a body: 413 past `--max-body-bytes`, the same answer whether the
/// body declared its length or was cut off while being read.
pub struct BodyTooLarge;

impl IntoResponses for BodyTooLarge {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers([("413", error_answer("Body larger than `--max-body-bytes` (`payload_too_large`)"))])
    }
}

/// Routes that read a body into a request type (`ApiJson`, `JsonOrForm`): malformed or
/// invalid (400), too large (413), in a content type the route does not read (415).
pub struct BodyRefused;

impl IntoResponses for BodyRefused {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = answers([
            (
                "400",
                error_answer("Malformed body, or a field that fails validation (`errors` names each field)"),
            ),
            ("415", error_answer("Body in a content type this route does not read")),
        ]);
        responses.extend(BodyTooLarge::responses());
        responses
    }
}

/// Routes with query parameters (`ApiQuery`): 400 for a malformed query string.
pub struct QueryRefused;

impl IntoResponses for QueryRefused {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers([("400", error_answer("Malformed query string"))])
    }
}

/// Routes behind the login throttle or the registration limit: 429 with `Retry-After`.
pub struct Throttled;

impl IntoResponses for Throttled {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers([(
            "429",
            retry_later("Too many attempts on this account, or from this address (`rate_limited`)"),
        )])
    }
}

/// Every route: the request deadline passed (`timeout`), a backing service is down
/// (`service_unavailable`), or the password hashing queue is full (`server_busy`, with
/// `Retry-After`).
pub struct Unavailable;

impl IntoResponses for Unavailable {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers([(
            "503",
            error_answer(
                "The request deadline passed (`timeout`), a backing service is unavailable \
                 (`service_unavailable`), or the password hashing queue is full (`server_busy`, \
                 with Retry-After)",
            ),
        )])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_answers_include_the_token_answers() {
        let statuses: Vec<String> = AdminRefused::responses().into_keys().collect();
        assert_eq!(statuses, ["401", "403"]);
        let throttled = serde_json::to_value(&Throttled::responses()["429"]).unwrap();
        assert_eq!(throttled["headers"]["Retry-After"]["schema"]["type"], "integer");
        assert_eq!(
            throttled["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody"
        );
    }
}

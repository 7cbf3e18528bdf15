//! Token error responses: Flask-JWT-Extended's exact messages under `msg`, plus a stable
//! `error` code, and RFC 6750 `WWW-Authenticate` challenges on 401s. Installed as the
//! manager's `on_*` handlers so extractor rejections and handler errors look the same.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use jwt_extended::{InvalidTokenStatus, JwtError, JwtManagerBuilder};

use crate::http::error::ApiError;

/// The response for a token error. The library's body errors (its layer reads no body in
/// this server's configuration, see `http::body_token`) answer as the server's own.
pub fn token_error_response(error: &JwtError) -> Response {
    match error {
        JwtError::BodyTooLarge { .. } => return ApiError::PayloadTooLarge.into_response(),
        JwtError::BodyUnreadable => return ApiError::BadRequest("Failed to read the request body".into()).into_response(),
        _ => {}
    }
    let status = match error {
        // The token's signature is valid but its claims break the server's rules
        // (`token_rules.rs`): an invalid token, not a malformed request.
        JwtError::VerificationFailed(_) => StatusCode::UNAUTHORIZED,
        _ => jwt_extended::default_status(error, InvalidTokenStatus::Unauthorized),
    };
    // RFC 6750 §3.1: no error code when the request carried no credentials.
    let challenge = match error {
        JwtError::NoToken(_) => "Bearer",
        JwtError::Forbidden(_) => "Bearer error=\"insufficient_scope\"",
        _ => "Bearer error=\"invalid_token\"",
    };
    // The server's one rule is "admin" (`caller::AdminClaim`): its 403 is the contract's.
    let code = match error {
        JwtError::Forbidden(_) => "forbidden",
        other => other.code(),
    };
    respond(status, &contract_message(error), code, challenge)
}

fn respond(status: StatusCode, msg: &str, code: &str, challenge: &'static str) -> Response {
    let mut response = (status, Json(serde_json::json!({ "msg": msg, "error": code }))).into_response();
    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    response
}

/// The API contract names one message for "no token": with several token locations the
/// library would list each location's reason, so the server answers the contract's text.
fn contract_message(error: &JwtError) -> std::borrow::Cow<'_, str> {
    match error {
        JwtError::NoToken(missing) if missing.searched_several() => "Missing Authorization Header".into(),
        JwtError::Forbidden(_) => "Admin privilege required".into(),
        other => other.message().into(),
    }
}

/// Installs [`token_error_response`] for every token error of the manager being built.
pub fn with_error_bodies(builder: JwtManagerBuilder) -> JwtManagerBuilder {
    builder.on_error(token_error_response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jwt_extended::{MissingToken, TokenLocation};

    #[test]
    fn missing_tokens_get_the_contract_message_and_a_bare_challenge() {
        let everywhere = [TokenLocation::Headers, TokenLocation::Cookies, TokenLocation::Json];
        let r = token_error_response(&JwtError::NoToken(MissingToken::new(
            "Missing JWT in headers, cookies or json (a; b; c)",
            &everywhere,
        )));
        assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            contract_message(&JwtError::NoToken(MissingToken::new(
                "Missing JWT in headers or json (a; b)",
                &everywhere[..2]
            ))),
            "Missing Authorization Header"
        );
        assert_eq!(contract_message(&JwtError::Csrf("Missing CSRF token")), "Missing CSRF token");
        let r = token_error_response(&JwtError::Csrf("Missing CSRF token"));
        assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer error=\"invalid_token\"");
    }

    #[tokio::test]
    async fn the_librarys_413_is_the_servers() {
        use http_body_util::BodyExt;
        let body = |r: Response| async move { r.into_body().collect().await.unwrap().to_bytes() };
        let library = token_error_response(&JwtError::BodyTooLarge { limit: 10 });
        let server = ApiError::PayloadTooLarge.into_response();
        assert_eq!(library.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body(library).await, body(server).await);
    }
}

//! Error responses: a custom handler for every situation, the error message key, 401 vs
//! FJE's 422, `WWW-Authenticate` challenges, and the missing-layer misconfiguration.

use axum::routing::get as get_route;
use jwt_extended::{InvalidTokenStatus, Jwt, JwtError, JwtManager, TokenLocation, default_status};
use serde_json::json;

use crate::support::{app, builder, call, claims_with, craft, fetch, get, get_protected, manager, now, post, text};

fn compat() -> JwtManager {
    builder().invalid_token_status(InvalidTokenStatus::FlaskCompat).build().unwrap()
}

#[tokio::test]
async fn error_message_key() {
    let jwt = builder().error_message_key("message").build().unwrap();
    let reply = get("/protected").send(&app(&jwt)).await;
    assert_eq!(reply.json(), json!({ "message": "Missing Authorization Header" }));
    assert_eq!(reply.message_under("message"), "Missing Authorization Header");
}

#[tokio::test]
async fn compat_mode_uses_422_only_for_invalid_tokens() {
    let jwt = compat();
    let app = app(&jwt);
    let bad_signature = format!("{}x", jwt.create_access_token("alice").unwrap());
    let reply = fetch(&app, "/protected", &bad_signature).await;
    reply.assert_error(422, "Signature verification failed");
    assert_eq!(reply.header("www-authenticate"), None);
    get("/protected").send(&app).await.assert_error(401, "Missing Authorization Header");
    let stale = jwt.create_access_token("alice").unwrap();
    fetch(&app, "/fresh", &stale).await.assert_error(401, "Fresh token required");
    let wrong_alg = craft_alg_hs512();
    fetch(&app, "/protected", &wrong_alg)
        .await
        .assert_error(422, "The specified alg value is not allowed");
}

fn craft_alg_hs512() -> String {
    let key = "k".repeat(64);
    crate::support::craft_raw(
        br#"{"alg":"HS512"}"#,
        claims_with("alice", &json!({})).to_string().as_bytes(),
        jwt_extended::Algorithm::HS512,
        key.as_bytes(),
    )
}

#[tokio::test]
async fn default_401s_carry_rfc_6750_challenges() {
    let jwt = manager();
    let app = app(&jwt);
    assert_eq!(get("/protected").send(&app).await.header("www-authenticate"), Some("Bearer"));
    let expired = craft(&claims_with("alice", &json!({ "exp": now() - 5 })));
    let reply = fetch(&app, "/protected", &expired).await;
    assert_eq!(reply.header("www-authenticate"), Some("Bearer error=\"invalid_token\""));
}

#[tokio::test]
async fn custom_unauthorized_handler_gets_missing_and_csrf_messages() {
    let jwt = builder()
        .token_locations([TokenLocation::Cookies])
        .on_unauthorized(|msg| text(418, format!("unauthorized: {msg}")))
        .build()
        .unwrap();
    let app = app(&jwt);
    let reply = get("/protected").send(&app).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body[..]),
        (418, &b"unauthorized: Missing cookie \"access_token_cookie\""[..])
    );
    let token = jwt.create_access_token("alice").unwrap();
    let reply = post("/protected").cookie(&format!("access_token_cookie={token}")).send(&app).await;
    assert_eq!(&reply.body[..], b"unauthorized: Missing CSRF token");
}

#[tokio::test]
async fn custom_invalid_token_handler_gets_invalid_and_wrong_type() {
    let jwt = builder()
        .on_invalid_token(|msg| text(400, format!("invalid: {msg}")))
        .build()
        .unwrap();
    let app = app(&jwt);
    let reply = get("/protected").bearer("a.b.c").send(&app).await;
    assert_eq!(reply.status, 400);
    assert!(reply.body.starts_with(b"invalid: Invalid header"), "{:?}", reply.body);
    let refresh = jwt.create_refresh_token("alice").unwrap();
    let reply = fetch(&app, "/protected", &refresh).await;
    assert_eq!(&reply.body[..], b"invalid: Only non-refresh tokens are allowed");
    let reply = get("/protected").header("authorization", "Bearer").send(&app).await;
    assert_eq!(
        &reply.body[..],
        b"invalid: Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"
    );
}

#[tokio::test]
async fn custom_expired_handler_gets_the_token() {
    let jwt = builder()
        .on_expired(|t| {
            let body = json!({ "msg": "Token has expired", "sub": t.claims.subject(), "type": t.claims.token_type().as_str() });
            axum::response::IntoResponse::into_response((http::StatusCode::UNAUTHORIZED, axum::Json(body)))
        })
        .build()
        .unwrap();
    let expired = jwt.refresh_token("alice").claim("exp", now() - 5).issue().unwrap().token;
    let reply = call(&jwt, "/refresh", &expired).await;
    assert_eq!(
        reply.json(),
        json!({ "msg": "Token has expired", "sub": "alice", "type": "refresh" })
    );
}

#[tokio::test]
async fn handlers_only_replace_their_own_situation() {
    let jwt = builder().on_expired(|_| text(499, "expired".into())).build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    get_protected(&jwt, &format!("{token}x"))
        .await
        .assert_error(401, "Signature verification failed");
    get("/protected")
        .send(&app(&jwt))
        .await
        .assert_error(401, "Missing Authorization Header");
}

#[tokio::test]
async fn the_catch_all_handler_covers_what_specific_handlers_leave() {
    let jwt = builder()
        .on_error(|e| text(498, format!("{}|{}", e.code(), e.message())))
        .on_expired(|_| text(499, "expired".into()))
        .build()
        .unwrap();
    let app = app(&jwt);
    let reply = get("/protected").send(&app).await;
    assert_eq!(reply.status.as_u16(), 498);
    assert_eq!(&reply.body[..], b"authorization_required|Missing Authorization Header");
    let token = jwt.create_access_token("alice").unwrap();
    let reply = fetch(&app, "/protected", &format!("{token}x")).await;
    assert_eq!(&reply.body[..], b"invalid_token|Signature verification failed");
    let expired = jwt.access_token("alice").claim("exp", now() - 10).issue().unwrap().token;
    let reply = fetch(&app, "/protected", &expired).await;
    assert_eq!((reply.status.as_u16(), &reply.body[..]), (499, &b"expired"[..]));
}

#[tokio::test]
async fn error_response_and_codes_are_usable_directly() {
    let jwt = manager();
    let error = jwt.decode_token("a.b").unwrap_err();
    assert_eq!(
        (error.message(), error.code()),
        ("Not enough segments".to_string(), "invalid_token")
    );
    assert_eq!(default_status(&error, InvalidTokenStatus::FlaskCompat), 422);
    assert_eq!(
        default_status(
            &JwtError::NoToken(jwt_extended::MissingToken::new("x", &[])),
            InvalidTokenStatus::FlaskCompat
        ),
        401
    );
    let response = jwt.error_response(&error);
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_router_without_the_layer_answers_500_not_a_panic() {
    let token = manager().create_access_token("alice").unwrap();
    let bare = axum::Router::new().route("/p", get_route(|_j: Jwt| async { "ok" }));
    get("/p")
        .bearer(&token)
        .send(&bare)
        .await
        .assert_error(500, "Internal server error: JwtManager::layer() is not installed on this router");
}

#[tokio::test]
async fn json_location_on_a_route_without_buffering_is_a_500() {
    // A policy naming the JSON location while the manager does not buffer bodies is a
    // programming error: reported as 500, never a panic or a silent pass.
    struct JsonOnly;
    impl jwt_extended::Policy for JsonOnly {
        const LOCATIONS: Option<&'static [TokenLocation]> = Some(&[TokenLocation::Json]);
    }
    let jwt = manager();
    let app = axum::Router::new()
        .route("/j", get_route(|_j: Jwt<JsonOnly>| async { "ok" }))
        .layer(jwt.layer());
    let token = jwt.create_access_token("alice").unwrap();
    let reply = get("/j").json(&json!({ "access_token": token })).send(&app).await;
    reply.assert_error(
        500,
        "Internal server error: JSON-body tokens need TokenLocation::Json in the configured locations and JwtManager::layer() on the router",
    );
}

//! Authorization in policies: rules over the claims of a verified token answer 403 with
//! RFC 6750's `insufficient_scope` challenge, compose with the usual policies, keep the
//! verification errors first, and are styled by `on_forbidden` / `on_error`.

use axum::response::IntoResponse;
use axum::routing::any;
use axum::{Json, Router};
use http::StatusCode;
use jwt_extended::{DecodedToken, Fresh, Jwt, JwtError, JwtManager, Require, Rule, claim_contains, claim_equals, scope_includes};
use serde_json::{Value, json};

use crate::support::{builder, describe, fetch, manager};

struct Admin;
impl Rule for Admin {
    fn allows(token: &DecodedToken) -> bool {
        claim_equals(&token.claims, "role", "admin")
    }
}

struct Editor;
impl Rule for Editor {
    fn allows(token: &DecodedToken) -> bool {
        claim_contains(&token.claims, "groups", "editors")
    }
}

struct WriteItems;
impl Rule for WriteItems {
    fn allows(token: &DecodedToken) -> bool {
        scope_includes(&token.claims, "items:write")
    }
}

fn app(jwt: &JwtManager) -> Router {
    Router::new()
        .route("/admin", any(|j: Jwt<Require<Admin>>| async move { Json(describe(&j)) }))
        .route("/edit", any(|j: Jwt<Require<Editor>>| async move { Json(describe(&j)) }))
        .route("/write", any(|j: Jwt<Require<WriteItems>>| async move { Json(describe(&j)) }))
        .route(
            "/admin-write-fresh",
            any(|j: Jwt<Require<(Admin, WriteItems), Fresh>>| async move { Json(describe(&j)) }),
        )
        .route(
            "/optional-admin",
            any(|j: Option<Jwt<Require<Admin>>>| async move { Json(j.map_or(json!({ "sub": null }), |j| describe(&j))) }),
        )
        .layer(jwt.layer())
}

fn token(jwt: &JwtManager, claims: Value, fresh: bool) -> String {
    let mut builder = jwt.access_token("alice").fresh(fresh);
    for (name, value) in claims.as_object().unwrap() {
        builder = builder.claim(name, value.clone());
    }
    builder.issue().unwrap().token
}

#[tokio::test]
async fn a_token_that_meets_the_rule_passes_and_one_that_does_not_gets_403() {
    let jwt = manager();
    let app = app(&jwt);
    let admin = token(&jwt, json!({ "role": "admin" }), false);
    fetch(&app, "/admin", &admin).await.assert_ok_as("alice");
    let user = token(&jwt, json!({ "role": "user" }), false);
    let reply = fetch(&app, "/admin", &user).await;
    reply.assert_error(403, "Insufficient permissions");
    assert_eq!(reply.header("www-authenticate"), Some("Bearer error=\"insufficient_scope\""));
}

#[tokio::test]
async fn claim_contains_and_scope_includes_read_lists_and_scope_strings() {
    let jwt = manager();
    let app = app(&jwt);
    let editor = token(&jwt, json!({ "groups": ["readers", "editors"] }), false);
    fetch(&app, "/edit", &editor).await.assert_ok_as("alice");
    let reader = token(&jwt, json!({ "groups": ["readers"] }), false);
    assert_eq!(fetch(&app, "/edit", &reader).await.status, StatusCode::FORBIDDEN);
    for granted in [json!({ "scope": "items:read items:write" }), json!({ "scp": ["items:write"] })] {
        fetch(&app, "/write", &token(&jwt, granted, false)).await.assert_ok_as("alice");
    }
    // A scope is a whole word of the list, never a prefix of one.
    let partial = token(&jwt, json!({ "scope": "items:writer items" }), false);
    assert_eq!(fetch(&app, "/write", &partial).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn rules_compose_with_each_other_and_with_the_base_policy() {
    let jwt = manager();
    let app = app(&jwt);
    let both = json!({ "role": "admin", "scope": "items:write" });
    fetch(&app, "/admin-write-fresh", &token(&jwt, both.clone(), true))
        .await
        .assert_ok_as("alice");
    // The base policy's check (freshness) comes first and keeps its own answer.
    fetch(&app, "/admin-write-fresh", &token(&jwt, both, false))
        .await
        .assert_error(401, "Fresh token required");
    let admin_only = token(&jwt, json!({ "role": "admin" }), true);
    assert_eq!(fetch(&app, "/admin-write-fresh", &admin_only).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn verification_errors_come_before_authorization() {
    let jwt = manager();
    let reply = fetch(&app(&jwt), "/admin", "not-a-token").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let refresh = jwt.refresh_token("alice").claim("role", "admin").issue().unwrap().token;
    fetch(&app(&jwt), "/admin", &refresh)
        .await
        .assert_error(401, "Only non-refresh tokens are allowed");
}

#[tokio::test]
async fn an_optional_route_refuses_a_valid_token_without_the_rights() {
    let jwt = manager();
    let app = app(&jwt);
    let user = token(&jwt, json!({ "role": "user" }), false);
    assert_eq!(fetch(&app, "/optional-admin", &user).await.status, StatusCode::FORBIDDEN);
    let reply = crate::support::get("/optional-admin").send(&app).await;
    assert_eq!(reply.json(), json!({ "sub": null }));
}

#[tokio::test]
async fn on_forbidden_and_on_error_style_the_403() {
    let styled = builder()
        .on_forbidden(|t: &DecodedToken| {
            let who = t.claims.subject().unwrap_or_default().to_string();
            (StatusCode::FORBIDDEN, Json(json!({ "msg": "admins only", "who": who }))).into_response()
        })
        .build()
        .unwrap();
    let reply = fetch(&app(&styled), "/admin", &token(&styled, json!({}), false)).await;
    assert_eq!(
        (reply.status, reply.json()),
        (StatusCode::FORBIDDEN, json!({ "msg": "admins only", "who": "alice" }))
    );

    let house = builder()
        .on_error(|e: &JwtError| (StatusCode::FORBIDDEN, Json(json!({ "error": e.code() }))).into_response())
        .build()
        .unwrap();
    let reply = fetch(&app(&house), "/admin", &token(&house, json!({}), false)).await;
    assert_eq!(reply.json(), json!({ "error": "insufficient_scope" }));
}

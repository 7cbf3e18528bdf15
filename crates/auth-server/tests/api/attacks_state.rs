//! The attack suite, part two: refusals that depend on the server's configuration or
//! state — algorithm confusion against an RS256 server, wrong issuer and audience,
//! token types swapped, revoked tokens, sessions and users, and a rotated-out key.

use std::path::{Path, PathBuf};

use auth_server::infra::keygen::{GeneratedKey, generate_key};
use auth_server::settings::Settings;
use jwt_extended::Algorithm;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::attacks::{alice, assert_401, assert_refused};
use crate::forge::{Template, server_secret, sign};
use crate::helpers::{Config, DataDir, PASSWORD, TestApp, s, spawn_in, spawn_with};

fn with(extra: Settings) -> Config {
    Config {
        admin: true,
        extra,
        ..Default::default()
    }
}

fn write(dir: &Path, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.join(name);
    auth_server::infra::signing::write_private(&path, contents).unwrap();
    path
}

#[tokio::test]
async fn hs256_signed_with_the_rsa_public_key_is_refused() {
    let keys = tempfile::tempdir().unwrap();
    let GeneratedKey::KeyPair { private_pem, public_pem } = generate_key(Algorithm::RS256).unwrap() else {
        panic!("RS256 is asymmetric");
    };
    let private = write(keys.path(), "rs256.pem", private_pem.as_bytes());
    let app = spawn_with(with(Settings {
        algorithm: Algorithm::RS256,
        signing_key_file: Some(private),
        ..Default::default()
    }))
    .await;
    let token = s(&app.register("alice").await, "access_token");
    assert_eq!(app.secret_status(&token).await, StatusCode::OK);
    let t = Template::of(&token);
    assert_eq!(t.header["alg"], "RS256");
    let confused = t.header_with("alg", json!("HS256"));
    for key in [public_pem.as_bytes(), public_pem.trim_end().as_bytes()] {
        assert_refused(&app, &sign(key, &confused, &t.claims), "The specified alg value is not allowed").await;
    }
}

#[tokio::test]
async fn a_wrong_issuer_or_audience_is_refused() {
    let app = spawn_with(with(Settings {
        issuer: Some("https://auth.test".into()),
        audience: Some("api.test".into()),
        ..Default::default()
    }))
    .await;
    let token = s(&app.register("alice").await, "access_token");
    assert_eq!(app.secret_status(&token).await, StatusCode::OK);
    let (t, secret) = (Template::of(&token), server_secret(&app));
    let cases = [
        ("iss", json!("https://evil.test"), "Invalid issuer"),
        ("aud", json!("evil.test"), "Audience doesn't match"),
        ("aud", json!(["evil.test"]), "Audience doesn't match"),
    ];
    for (claim, value, msg) in cases {
        assert_refused(&app, &sign(&secret, &t.header, &t.claims_with(claim, value)), msg).await;
    }
}

#[tokio::test]
async fn refresh_and_access_tokens_cannot_stand_in_for_each_other() {
    let app = crate::helpers::spawn_app().await;
    let pair = app.register("alice").await;
    assert_refused(&app, &s(&pair, "refresh_token"), "Only non-refresh tokens are allowed").await;
    assert_401(app.refresh(&s(&pair, "access_token")).await, "Only refresh tokens are allowed");
}

async fn assert_refresh_revoked(app: &TestApp, refresh: &str) {
    assert_401(app.refresh(refresh).await, "Token has been revoked");
}

#[tokio::test]
async fn revoked_tokens_and_sessions_are_refused() {
    let (app, token, _) = alice().await;
    let (status, _) = app.call(Method::POST, "/api/v1/auth/logout/access", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_refused(&app, &token, "Token has been revoked").await;

    // A second session, revoked from the first: both its tokens stop.
    let first = s(&app.login("alice", PASSWORD).await, "access_token");
    let second = app.login("alice", PASSWORD).await;
    let sid = app.claims(&s(&second, "access_token"))["sid"].as_str().unwrap().to_string();
    let (status, body) = app
        .call(Method::DELETE, &format!("/api/v1/auth/sessions/{sid}"), Some(&first), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_refused(&app, &s(&second, "access_token"), "Token has been revoked").await;
    assert_refresh_revoked(&app, &s(&second, "refresh_token")).await;
}

#[tokio::test]
async fn a_deleted_users_tokens_are_refused() {
    let app = spawn_with(with(Settings::default())).await;
    let token = s(&app.register("alice").await, "access_token");
    let admin = s(&app.admin().await, "access_token");
    let id = app.claims(&token)["sub"].as_str().unwrap().to_string();
    let (status, _) = app.call(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_refused(&app, &token, "Token has been revoked").await;
}

#[tokio::test]
async fn tokens_from_before_a_password_change_are_refused() {
    let (app, old, _) = alice().await;
    let old_pair_refresh = {
        let pair = app.login("alice", PASSWORD).await;
        s(&pair, "refresh_token")
    };
    let current = s(&app.login("alice", PASSWORD).await, "access_token");
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/auth/password",
            Some(&current),
            Some(json!({"current_password": PASSWORD, "new_password": "new password 1"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_refused(&app, &old, "Token has been revoked").await;
    assert_refresh_revoked(&app, &old_pair_refresh).await;
}

#[tokio::test]
async fn tokens_of_a_rotated_out_key_are_refused() {
    let keys = tempfile::tempdir().unwrap();
    let old = write(keys.path(), "old.key", auth_server::infra::signing::generate_secret().as_bytes());
    let new = write(keys.path(), "new.key", auth_server::infra::signing::generate_secret().as_bytes());
    let signing = |key: &PathBuf, verification: Vec<PathBuf>| {
        with(Settings {
            signing_key_file: Some(key.clone()),
            verification_key_files: verification,
            ..Default::default()
        })
    };
    let app = spawn_in(DataDir::new().await, signing(&old, vec![])).await;
    let token = s(&app.register("alice").await, "access_token");
    let dir = app.stop().await;
    // During the rotation the old key still verifies...
    let app = spawn_in(dir, signing(&new, vec![old.clone()])).await;
    assert_eq!(app.secret_status(&token).await, StatusCode::OK);
    let dir = app.stop().await;
    // ...and once it is dropped, its tokens are refused.
    let app = spawn_in(dir, signing(&new, vec![])).await;
    assert_refused(&app, &token, "Signature verification failed").await;
}

//! Device cookies (issue 21): a login from a device that logged in before is not refused
//! by the per-account lockout a guessing flood causes; a forged, expired or other
//! account's cookie counts for nothing, and a cookie that keeps failing is locked out.

use reqwest::{Method, Response, StatusCode};
use serde_json::json;

use crate::helpers::{Config, PASSWORD, TestApp, json_of, spawn_with};

const LIMIT: u32 = 3;

async fn app() -> TestApp {
    spawn_with(Config {
        login_max_failures: Some(LIMIT),
        ..Default::default()
    })
    .await
}

/// Logs in, with `cookie` as the `Cookie` header when given.
async fn login(app: &TestApp, username: &str, password: &str, cookie: Option<&str>) -> Response {
    let mut request = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": username, "password": password}));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// The `Set-Cookie` line of the device cookie, if the response has one.
fn device_cookie_line(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|line| line.starts_with("login_device="))
}

/// `name=value` of a device cookie's `Set-Cookie` line, as a client sends it back.
fn pair(line: &str) -> String {
    line.split(';').next().unwrap().to_string()
}

/// Logs `username` in with the right password and returns the device cookie it was given.
async fn device_of(app: &TestApp, username: &str) -> String {
    let response = login(app, username, PASSWORD, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    pair(&device_cookie_line(&response).expect("a successful login sets a device cookie"))
}

/// Wrong passwords for `username` from a client without a device cookie until the account
/// is locked out.
async fn lock_out(app: &TestApp, username: &str) {
    for _ in 0..LIMIT {
        let response = login(app, username, "wrong password", None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = login(app, username, PASSWORD, None).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS, "the account is locked out");
}

#[tokio::test]
async fn a_locked_out_account_still_logs_in_from_a_device_that_did_before() {
    let app = app().await;
    app.register("alice").await;
    let response = login(&app, "alice", PASSWORD, None).await;
    let line = device_cookie_line(&response).expect("a device cookie");
    assert!(
        line.contains("; Path=/api/v1/auth/login; Max-Age=2592000; HttpOnly; SameSite=Strict"),
        "{line}"
    );
    let device = pair(&line);
    lock_out(&app, "alice").await;
    let trusted = login(&app, "alice", PASSWORD, Some(&device)).await;
    assert_eq!(trusted.status(), StatusCode::OK);
    let renewed = device_cookie_line(&trusted).expect("a new device cookie");
    assert_ne!(pair(&renewed), device, "a new nonce on every login");
    // The trusted success did not unlock the account for everyone else.
    assert_eq!(login(&app, "alice", PASSWORD, None).await.status(), StatusCode::TOO_MANY_REQUESTS);
    // The old cookie stays valid until it expires.
    assert_eq!(login(&app, "alice", PASSWORD, Some(&device)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_that_keeps_cookies_gets_and_sends_the_device_cookie_by_itself() {
    let app = app().await;
    app.register("alice").await;
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login_with = async |password: &str| {
        client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": "alice", "password": password}))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(login_with(PASSWORD).await, StatusCode::OK);
    lock_out(&app, "alice").await;
    assert_eq!(login_with(PASSWORD).await, StatusCode::OK);
}

#[tokio::test]
async fn forged_expired_or_other_accounts_cookies_are_ignored() {
    let app = app().await;
    let alice = app.register("alice").await["user"]["id"].as_i64().unwrap();
    app.register("bob").await;
    let bobs = device_of(&app, "bob").await;
    lock_out(&app, "alice").await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let ttl = app.state.devices.ttl_secs();
    let expired = format!("login_device={}", app.state.devices.issue(alice, now - ttl - 1));
    let valid = format!("login_device={}", app.state.devices.issue(alice, now));
    let (nonce, rest) = valid.split_once('.').unwrap();
    let (expires, tag) = rest.split_once('.').unwrap();
    let later = expires.parse::<i64>().unwrap() + 86_400;
    for (what, cookie) in [
        ("bob's", bobs),
        ("expired", expired),
        ("a later expiry", format!("{nonce}.{later}.{tag}")),
        ("another nonce", format!("login_device=AAAAAAAAAAAAAAAAAAAAAA.{expires}.{tag}")),
        ("garbage", "login_device=not-a-device-cookie".into()),
    ] {
        let response = login(&app, "alice", PASSWORD, Some(&cookie)).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{what}");
    }
    let response = login(&app, "alice", PASSWORD, Some(&valid)).await;
    assert_eq!(response.status(), StatusCode::OK, "the same cookie, unaltered");
}

#[tokio::test]
async fn a_device_cookie_that_keeps_failing_is_locked_out_itself() {
    let app = app().await;
    app.register("alice").await;
    let device = device_of(&app, "alice").await;
    for _ in 0..LIMIT {
        let response = login(&app, "alice", "wrong password", Some(&device)).await;
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    let (status, body) = json_of(login(&app, "alice", PASSWORD, Some(&device)).await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // Its guesses were its own: the account itself is not locked.
    assert_eq!(login(&app, "alice", PASSWORD, None).await.status(), StatusCode::OK);
    assert_eq!(
        login(&app, "alice", PASSWORD, Some(&device)).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the device stays locked for the window"
    );
}

#[tokio::test]
async fn unknown_users_are_answered_the_same_with_or_without_a_cookie() {
    let app = app().await;
    app.register("alice").await;
    let device = device_of(&app, "alice").await;
    for cookie in [None, Some(device.as_str())] {
        let (status, body) = json_of(login(&app, "nobody", PASSWORD, cookie).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["msg"], "Bad username or password");
    }
}

#[tokio::test]
async fn a_cross_site_login_sets_no_device_cookie() {
    let app = app().await;
    app.register("alice").await;
    let response = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .header("origin", "https://elsewhere.example")
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(device_cookie_line(&response), None);
}

//! How a browser session's tokens are kept: "keep me signed in" (persistent cookies for
//! the session's lifetime, browser-session cookies otherwise), the refresh cookie scoped
//! to the auth routes, `__Host-` names with `Secure` cookies, `Cache-Control: no-store`
//! on every answer carrying a token or a CSRF value, and login CSRF refused.

use auth_server::settings::Settings;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::cookies::set_cookies;
use crate::helpers::{Config, PASSWORD, TestApp, json_of, spawn_app, spawn_with};

fn max_age(line: &str) -> Option<i64> {
    line.split(';')
        .find_map(|part| part.trim().strip_prefix("Max-Age="))
        .map(|v| v.parse().unwrap())
}

async fn cookie_login(app: &TestApp, body: Value) -> Response {
    app.req(Method::POST, "/api/v1/auth/login?transport=cookie", None)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn keep_me_signed_in_makes_the_cookies_outlive_the_browser() {
    let app = spawn_app().await;
    app.register("alice").await;

    let response = cookie_login(&app, json!({"username": "alice", "password": PASSWORD, "remember": true})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(&response);
    let refresh_lifetime = 30 * 86_400;
    for name in [
        "access_token_cookie",
        "refresh_token_cookie",
        "csrf_access_token",
        "csrf_refresh_token",
    ] {
        let age = max_age(&cookies[name]).unwrap_or_else(|| panic!("{name} has no Max-Age: {}", cookies[name]));
        assert!((refresh_lifetime - 5..=refresh_lifetime).contains(&age), "{name}: {age}");
    }
    let body = json_of(response).await.1;
    let csrf = body["csrf_refresh_token"].as_str().unwrap().to_string();
    let refresh_value = cookies["refresh_token_cookie"].split(';').next().unwrap().to_string();

    // The session remembers the choice: a refresh keeps the cookies persistent.
    let refreshed = app
        .req(Method::POST, "/api/v1/auth/refresh", None)
        .header("cookie", refresh_value)
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), StatusCode::OK);
    assert!(max_age(&set_cookies(&refreshed)["access_token_cookie"]).is_some());

    let plain = cookie_login(&app, json!({"username": "alice", "password": PASSWORD})).await;
    let cookies = set_cookies(&plain);
    // The token cookies end with the browser; the device cookie (devices.rs) names the
    // device, not the session, and outlives it either way.
    let tokens = cookies.iter().filter(|(name, _)| *name != "login_device");
    assert!(
        tokens.clone().count() >= 4 && tokens.clone().all(|(_, line)| max_age(line).is_none()),
        "{cookies:?}"
    );
    assert!(max_age(&cookies["login_device"]).is_some(), "{cookies:?}");
    // A form's checkbox (`value="true"`) says "true"; anything else is refused.
    let form = app
        .req(Method::POST, "/api/v1/auth/login?transport=cookie", None)
        .form(&[("username", "alice"), ("password", PASSWORD), ("remember", "true")])
        .send()
        .await
        .unwrap();
    assert!(max_age(&set_cookies(&form)["refresh_token_cookie"]).is_some());
    let odd = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .form(&[("username", "alice"), ("password", PASSWORD), ("remember", "0")])
        .send()
        .await
        .unwrap();
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);

    let token = app.login("alice", PASSWORD).await["access_token"].as_str().unwrap().to_string();
    let sessions = app.get("/api/v1/auth/sessions", &token).await.1;
    let persistent: Vec<bool> = sessions["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["persistent"].as_bool().unwrap())
        .collect();
    assert_eq!(persistent.iter().filter(|p| **p).count(), 2, "{sessions}");
    assert_eq!(sessions["sessions"][0]["current"], true, "this device first: {sessions}");
}

#[tokio::test]
async fn the_refresh_cookie_goes_only_to_the_auth_routes_and_tokens_are_never_cached() {
    let app = spawn_app().await;
    app.register("alice").await;
    let response = cookie_login(&app, json!({"username": "alice", "password": PASSWORD})).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let cookies = set_cookies(&response);
    assert!(
        cookies["refresh_token_cookie"].contains("Path=/api/v1/auth"),
        "{}",
        cookies["refresh_token_cookie"]
    );
    assert!(cookies["access_token_cookie"].contains("Path=/;") || cookies["access_token_cookie"].ends_with("Path=/"));
    for (path, body) in [
        ("/api/v1/auth/login", json!({"username": "alice", "password": PASSWORD})),
        ("/api/v1/auth/register", json!({"username": "bob", "password": PASSWORD})),
    ] {
        let response = app.req(Method::POST, path, None).json(&body).send().await.unwrap();
        assert!(response.status().is_success());
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    let jwks = app.req(Method::GET, "/.well-known/jwks.json", None).send().await.unwrap();
    assert_ne!(jwks.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn secure_cookies_take_the_host_prefix_where_their_path_allows() {
    let app = spawn_with(Config {
        extra: Settings {
            cookie_secure: true,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    app.register("alice").await;
    let cookies = set_cookies(&cookie_login(&app, json!({"username": "alice", "password": PASSWORD})).await);
    for name in [
        "__Host-access_token_cookie",
        "__Host-csrf_access_token",
        "__Host-csrf_refresh_token",
    ] {
        let line = &cookies[name];
        assert!(
            line.contains("Secure") && line.contains("Path=/") && !line.contains("Domain"),
            "{line}"
        );
    }
    let refresh = &cookies["__Secure-refresh_token_cookie"];
    assert!(refresh.contains("Secure") && refresh.contains("Path=/api/v1/auth"), "{refresh}");
}

#[tokio::test]
async fn cross_site_form_and_cookie_logins_are_refused() {
    let app = spawn_app().await;
    app.register("alice").await;
    let credentials = [("username", "alice"), ("password", PASSWORD)];
    let own_origin = app.base.clone();

    let form = |origin: &str| {
        app.req(Method::POST, "/api/v1/auth/login", None)
            .header("origin", origin)
            .form(&credentials)
    };
    let (status, body) = json_of(form("https://evil.example").send().await.unwrap()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("cross_site_request")),
        "{body}"
    );
    assert_eq!(json_of(form(&own_origin).send().await.unwrap()).await.0, StatusCode::OK);

    let cookie_login_from = |fetch_site: &str| {
        app.req(Method::POST, "/api/v1/auth/login?transport=cookie", None)
            .header("sec-fetch-site", fetch_site)
            .json(&json!({"username": "alice", "password": PASSWORD}))
    };
    assert_eq!(
        cookie_login_from("cross-site").send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(cookie_login_from("same-origin").send().await.unwrap().status(), StatusCode::OK);
    // Tokens in the body cannot be read by another site: a cross-site JSON login is harmless.
    let json_login = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .header("origin", "https://evil.example")
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_login.status(), StatusCode::OK);
}

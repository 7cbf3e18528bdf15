//! Cookie transport (`?transport=cookie`): HttpOnly JWT cookies, readable CSRF cookies,
//! and the `X-CSRF-TOKEN` double submit on state-changing requests.

use std::collections::HashMap;

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, json_of, s, spawn_app};

/// name → the whole `Set-Cookie` line.
pub fn set_cookies(response: &Response) -> HashMap<String, String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| {
            let line = v.to_str().unwrap().to_string();
            (line.split('=').next().unwrap().to_string(), line)
        })
        .collect()
}

fn value(line: &str) -> String {
    line.split(';').next().unwrap().split_once('=').unwrap().1.to_string()
}

/// A `Cookie` header carrying the JWT cookies of `cookies`.
fn cookie_header(cookies: &HashMap<String, String>) -> String {
    ["access_token_cookie", "refresh_token_cookie"]
        .iter()
        .map(|name| format!("{name}={}", value(&cookies[*name])))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn send(app: &TestApp, method: Method, path: &str, cookie: &str, csrf: Option<&str>, body: Option<Value>) -> Response {
    let mut request = app.req(method, path, None).header("cookie", cookie);
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

/// Registers or logs in alice with `?transport=cookie`: the cookies set, status and body.
async fn alice_with_cookies(app: &TestApp, path: &str) -> (HashMap<String, String>, StatusCode, Value) {
    let response = app
        .req(Method::POST, &format!("{path}?transport=cookie"), None)
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&response);
    let (status, body) = json_of(response).await;
    (cookies, status, body)
}

#[tokio::test]
async fn cookie_transport_with_csrf_double_submit() {
    let app = spawn_app().await;
    app.register("alice").await;
    let (cookies, status, body) = alice_with_cookies(&app, "/api/v1/auth/login").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("access_token").is_none() && body.get("refresh_token").is_none(), "{body}");
    assert_eq!(body["user"]["username"], "alice");
    assert_eq!(body["expires_in"], 900);
    let (csrf_access, csrf_refresh) = (s(&body, "csrf_access_token"), s(&body, "csrf_refresh_token"));
    assert!(cookies["access_token_cookie"].contains("HttpOnly"));
    assert!(cookies["refresh_token_cookie"].contains("HttpOnly"));
    assert!(!cookies["csrf_access_token"].contains("HttpOnly"));
    assert_eq!(value(&cookies["csrf_access_token"]), csrf_access);
    assert_eq!(value(&cookies["csrf_refresh_token"]), csrf_refresh);
    let jar = cookie_header(&cookies);

    // GET needs no CSRF value.
    let (status, _) = json_of(send(&app, Method::GET, "/api/v1/secret", &jar, None, None).await).await;
    assert_eq!(status, StatusCode::OK);
    // POST does.
    let item = || Some(json!({"name": "piano", "price": 3.0}));
    let (status, body) = json_of(send(&app, Method::POST, "/api/v1/items", &jar, None, item()).await).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Missing CSRF token"))
    );
    let (status, body) = json_of(send(&app, Method::POST, "/api/v1/items", &jar, Some("forged"), item()).await).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("CSRF double submit tokens do not match"))
    );
    let (status, body) = json_of(send(&app, Method::POST, "/api/v1/items", &jar, Some(&csrf_access), item()).await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Refresh from the refresh cookie answers with cookies again.
    let response = send(&app, Method::POST, "/api/v1/auth/refresh", &jar, Some(&csrf_refresh), None).await;
    let renewed = set_cookies(&response);
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("access_token").is_none());
    assert_ne!(value(&renewed["access_token_cookie"]), value(&cookies["access_token_cookie"]));
    let jar = cookie_header(&renewed);

    // Logout clears the cookies.
    let response = send(
        &app,
        Method::POST,
        "/api/v1/auth/logout",
        &jar,
        Some(&s(&body, "csrf_access_token")),
        None,
    )
    .await;
    let cleared = set_cookies(&response);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(value(&cleared["access_token_cookie"]), "");
    assert!(cleared["refresh_token_cookie"].contains("Expires=Thu, 01 Jan 1970"));
    let (status, _) = json_of(send(&app, Method::GET, "/api/v1/secret", &jar, None, None).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn register_can_use_cookies_too() {
    let app = spawn_app().await;
    let (cookies, status, body) = alice_with_cookies(&app, "/api/v1/auth/register").await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(body["csrf_access_token"].is_string() && body["user"].is_object(), "{body}");
    let claims = app.claims(&value(&cookies["access_token_cookie"]));
    assert_eq!(claims["csrf"], body["csrf_access_token"]);
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/register?transport=carrier-pigeon",
            None,
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["transport"].is_array(), "{body}");
}

/// Tokens handed out in a body carry no `csrf` claim (only a cookie's double submit uses
/// it); a refresh into cookies gets one; and a body token set in the access cookie by hand
/// passes no state-changing request, whatever `X-CSRF-TOKEN` says.
#[tokio::test]
async fn only_tokens_set_as_cookies_carry_csrf() {
    let app = spawn_app().await;
    let pair = app.register("bob").await;
    let (access, refresh) = (s(&pair, "access_token"), s(&pair, "refresh_token"));
    for token in [&access, &refresh] {
        let claims = app.claims(token);
        assert!(!claims.contains_key("csrf"), "{claims:?}");
        assert!(claims["sid"].is_string() && claims["username"] == "bob", "{claims:?}");
    }

    let response = app
        .req(Method::POST, "/api/v1/auth/refresh?transport=cookie", Some(&refresh))
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&response);
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let claims = app.claims(&value(&cookies["access_token_cookie"]));
    assert_eq!(claims["csrf"], body["csrf_access_token"]);
    let claims = app.claims(&value(&cookies["refresh_token_cookie"]));
    assert_eq!(claims["csrf"], body["csrf_refresh_token"]);

    let by_hand = format!("access_token_cookie={access}");
    for csrf in [None, Some(""), Some("anything")] {
        let (status, body) = json_of(send(&app, Method::POST, "/api/v1/auth/logout", &by_hand, csrf, None).await).await;
        assert!(status.is_client_error(), "{csrf:?}: {status} {body}");
    }
    let (status, body) = json_of(send(&app, Method::POST, "/api/v1/auth/logout", &by_hand, Some("x"), None).await).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Missing claim: csrf")),
        "{body}"
    );
    // The session is still alive: the bearer token still works.
    let (status, body) = app.get("/api/v1/secret", &access).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

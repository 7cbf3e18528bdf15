//! Browser security headers: HSTS only with `Secure` cookies, and CORS only for the
//! configured exact origins (with credentials), never for anyone else.

use auth_server::settings::Settings;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::helpers::{Config, TestApp, spawn_app, spawn_with};

const HSTS: &str = "max-age=31536000; includeSubDomains";
const APP: &str = "https://app.example.test";
const ADMIN: &str = "https://admin.example.test";

async fn spawn(extra: Settings) -> TestApp {
    spawn_with(Config {
        extra,
        ..Default::default()
    })
    .await
}

async fn headers(app: &TestApp, method: Method, path: &str, extra: &[(&str, &str)]) -> (StatusCode, HeaderMap) {
    let mut request = app.req(method, path, None);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.headers().clone())
}

fn preflight(origin: &str) -> [(&str, &str); 3] {
    [
        ("origin", origin),
        ("access-control-request-method", "POST"),
        ("access-control-request-headers", "authorization,content-type,x-csrf-token"),
    ]
}

#[tokio::test]
async fn hsts_is_sent_on_every_response_only_with_secure_cookies() {
    let secure = spawn(Settings {
        cookie_secure: true,
        ..Default::default()
    })
    .await;
    for (method, path) in [
        (Method::GET, "/healthz"),
        (Method::GET, "/nowhere"),
        (Method::GET, "/api/v1/secret"),
    ] {
        let (status, h) = headers(&secure, method, path, &[]).await;
        assert_eq!(
            h.get("strict-transport-security").map(|v| v.to_str().unwrap()),
            Some(HSTS),
            "{path} {status}"
        );
    }
    let plain = spawn_app().await;
    let (_, h) = headers(&plain, Method::GET, "/healthz", &[]).await;
    assert!(h.get("strict-transport-security").is_none());
}

#[tokio::test]
async fn without_configured_origins_there_is_no_cors() {
    let app = spawn_app().await;
    let (_, h) = headers(&app, Method::OPTIONS, "/api/v1/auth/login", &preflight(APP)).await;
    assert!(h.keys().all(|k| !k.as_str().starts_with("access-control-")), "{h:?}");
    let (_, h) = headers(&app, Method::GET, "/healthz", &[("origin", APP)]).await;
    assert!(h.keys().all(|k| !k.as_str().starts_with("access-control-")), "{h:?}");
}

#[tokio::test]
async fn configured_origins_get_credentialed_cors_and_others_get_none() {
    let app = spawn(Settings {
        cors_origins: [APP, ADMIN].into_iter().collect(),
        ..Default::default()
    })
    .await;
    for origin in [APP, ADMIN] {
        let (status, h) = headers(&app, Method::OPTIONS, "/api/v1/auth/login", &preflight(origin)).await;
        assert!(status.is_success(), "{status}");
        let get = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_ascii_lowercase());
        assert_eq!(get("access-control-allow-origin").as_deref(), Some(origin));
        assert_eq!(get("access-control-allow-credentials").as_deref(), Some("true"));
        let methods = get("access-control-allow-methods").unwrap();
        for m in ["get", "post", "put", "patch", "delete"] {
            assert!(methods.contains(m), "{methods}");
        }
        let allowed = get("access-control-allow-headers").unwrap();
        for header in ["authorization", "content-type", "x-csrf-token"] {
            assert!(allowed.contains(header), "{allowed}");
        }
        let (_, h) = headers(&app, Method::GET, "/healthz", &[("origin", origin)]).await;
        assert_eq!(h["access-control-allow-origin"], origin);
        assert_eq!(h["access-control-allow-credentials"], "true");
    }
    for origin in ["https://evil.example.test", "https://app.example.test.evil.test", "null"] {
        let (_, h) = headers(&app, Method::OPTIONS, "/api/v1/auth/login", &preflight(origin)).await;
        assert!(h.get("access-control-allow-origin").is_none(), "{origin}: {h:?}");
        let (_, h) = headers(&app, Method::GET, "/healthz", &[("origin", origin)]).await;
        assert!(h.get("access-control-allow-origin").is_none(), "{origin}: {h:?}");
    }
}

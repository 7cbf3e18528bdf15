//! Request logs: every line of a request carries its id, and credentials (bearer tokens,
//! cookies, `Set-Cookie`, passwords) never appear, even with headers logged at debug.

use std::io::Write;
use std::sync::{Arc, Mutex};

use auth_server::settings::LogFormat;
use auth_server::telemetry::logging::{LogFilter, subscriber};
use reqwest::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, spawn};

/// Log output captured in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// The value of cookie `name` in a list of `Set-Cookie` headers.
fn cookie(set_cookies: &[String], name: &str) -> String {
    set_cookies
        .iter()
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie in {set_cookies:?}"))
        .to_string()
}

// A current-thread runtime: the server and the client run on this thread, inside the
// thread-local subscriber below.
#[tokio::test]
async fn credentials_never_reach_the_logs_and_every_line_has_the_request_id() {
    // tracing caches per-callsite interest globally. With exactly one live dispatcher,
    // callsites first hit by other tests' threads (which have none) are cached as never
    // enabled; a second live dispatcher makes tracing ask every dispatcher instead.
    let _second_dispatcher = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let logs = Captured::default();
    let writer = logs.clone();
    let _guard = tracing::dispatcher::set_default(&subscriber(
        LogFormat::Json,
        LogFilter::parse("debug"),
        move || writer.clone(),
        false,
    ));
    let app = spawn().await;

    // Cookie transport: the JWTs travel in Set-Cookie.
    let response = app
        .client
        .post(app.url("/api/v1/auth/register?transport=cookie"))
        .json(&json!({ "username": "cookie_user", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let set_cookies: Vec<String> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let access_cookie = cookie(&set_cookies, "access_token_cookie");
    let refresh_cookie = cookie(&set_cookies, "refresh_token_cookie");

    // Header transport: the JWT travels in Authorization (with a cookie alongside).
    let pair = app.register("bearer_user").await;
    let access = pair["access_token"].as_str().unwrap().to_string();
    let response = app
        .client
        .get(app.url("/api/v1/secret"))
        .header(AUTHORIZATION, format!("Bearer {access}"))
        .header(COOKIE, format!("refresh_token_cookie={refresh_cookie}"))
        .header("x-request-id", "log-test-request-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    app.stop().await;

    let text = logs.text();
    // The headers were logged (so redaction is what hides the credentials)...
    assert!(
        text.contains("authorization") && text.contains("Sensitive"),
        "headers not logged:\n{text}"
    );
    assert!(text.contains("set-cookie"), "response headers not logged:\n{text}");
    // ...but no credential is.
    for (what, secret) in [
        ("bearer token", access.as_str()),
        ("access cookie", access_cookie.as_str()),
        ("refresh cookie", refresh_cookie.as_str()),
        ("password", PASSWORD),
    ] {
        assert!(!text.contains(secret), "the {what} leaked into the logs:\n{text}");
    }
    // Every line of the tagged request names it, and it logged more than one line.
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    // The client's id is a field of its own; the span's `id` stays the server's.
    let tagged: Vec<&Value> = lines
        .iter()
        .filter(|l| request_span(l).is_some_and(|span| span["client_request_id"] == "log-test-request-1"))
        .collect();
    assert!(tagged.len() >= 2, "expected the request's lines, got {tagged:?}");
    assert!(
        tagged
            .iter()
            .all(|l| request_id(l).is_some_and(|id| uuid::Uuid::parse_str(id).is_ok()))
    );
    assert!(tagged.iter().any(|l| l["fields"]["status"] == 200));
    let in_requests: Vec<&Value> = lines.iter().filter(|l| request_id(l).is_some()).collect();
    assert!(in_requests.len() >= 6, "register, register, secret: each logs two lines at least");
    assert!(in_requests.iter().all(|l| request_id(l).is_some_and(|id| !id.is_empty())));
}

/// The `request` span a JSON log line was written in.
fn request_span(line: &Value) -> Option<&Value> {
    line["spans"].as_array()?.iter().find(|span| span["name"] == "request")
}

/// The server's request id of a JSON log line.
fn request_id(line: &Value) -> Option<&str> {
    request_span(line).and_then(|span| span["id"].as_str())
}

// At `info` the request span is made by the request's first line (telemetry/request_span.rs):
// a refused request's line still names it, with the id the response carries.
#[tokio::test]
async fn at_info_a_refused_requests_line_names_the_id_its_response_carries() {
    let _second_dispatcher = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    for format in [LogFormat::Json, LogFormat::Pretty] {
        let logs = Captured::default();
        let writer = logs.clone();
        let _guard = tracing::dispatcher::set_default(&subscriber(format, LogFilter::parse("info"), move || writer.clone(), false));
        let app = spawn().await;
        let pair = app.register("info_user").await;
        let access = pair["access_token"].as_str().unwrap();
        let ok = app
            .client
            .get(app.url("/api/v1/secret"))
            .header(AUTHORIZATION, format!("Bearer {access}"))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        let refused = app
            .client
            .get(app.url("/api/v1/secret"))
            .header("x-request-id", "info-test-request-1")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
        app.stop().await;

        let text = logs.text();
        let id_of = |response: &reqwest::Response| response.headers()["x-request-id"].to_str().unwrap().to_string();
        let (ok_id, refused_id) = (id_of(&ok), id_of(&refused));
        assert!(!text.contains(&ok_id), "a request that succeeds writes no line at info:\n{text}");
        let refused_lines: Vec<&str> = text.lines().filter(|l| l.contains(&refused_id)).collect();
        assert_eq!(refused_lines.len(), 1, "{text}");
        let line = refused_lines[0];
        match format {
            LogFormat::Json => {
                let line: Value = serde_json::from_str(line).unwrap();
                assert_eq!(request_id(&line), Some(refused_id.as_str()));
                assert_eq!(request_span(&line).unwrap()["client_request_id"], "info-test-request-1");
                assert_eq!(line["fields"]["status"], 401);
            }
            LogFormat::Pretty => assert!(
                line.contains(&format!("request{{id={refused_id} client_request_id=\"info-test-request-1\"}}:"))
                    && line.contains("status=401"),
                "{line}"
            ),
        }
    }
}

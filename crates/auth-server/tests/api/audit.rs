//! The audit log, on a real server process (its JSON log output captured): each
//! security-relevant action moves exactly its own `auth_audit_events_total{event}`
//! counter in `/metrics` and leaves one line on the `audit` log target, in order, with
//! its fields and the request id of its span — and no password, token or password hash
//! appears anywhere in the log.

use std::collections::HashMap;

use auth_server::domain::audit::AuditEvent::{self, *};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::forge::segment;
use crate::helpers::{ADMIN, ADMIN_PASSWORD, Config, Http, PASSWORD, json_of, s};
use crate::processes::Server;

const WRONG_PASSWORD: &str = "not the password at all";
const NEW_PASSWORD: &str = "another horse battery";
/// The request id the first failed login is sent with.
const REQUEST_ID: &str = "audit-test-request-1";

/// The audit counters of `/metrics`, by event.
async fn counts(app: &Http) -> HashMap<&'static str, f64> {
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let value = |event: AuditEvent| {
        let sample = format!("auth_audit_events_total{{event=\"{}\"}} ", event.as_str());
        let line = text.lines().find_map(|l| l.strip_prefix(&sample));
        line.unwrap_or_else(|| panic!("{sample}missing from\n{text}"))
            .trim()
            .parse()
            .unwrap()
    };
    AuditEvent::ALL.into_iter().map(|e| (e.as_str(), value(e))).collect()
}

/// Runs the actions of the test against one server, keeping the events they should
/// have produced and every secret that must stay out of the log.
struct Auditor<'a> {
    app: &'a Http,
    expected: Vec<&'static str>,
    secrets: Vec<String>,
}

impl Auditor<'_> {
    /// Runs `action`; returns its answer and the audit counters it moved (one entry per
    /// increment). Token pairs in the answer are kept as secrets.
    async fn audited(&mut self, action: impl Future<Output = (StatusCode, Value)>) -> ((StatusCode, Value), Vec<&'static str>) {
        let before = counts(self.app).await;
        let answer = action.await;
        let after = counts(self.app).await;
        let mut moved = Vec::new();
        for event in AuditEvent::ALL.map(AuditEvent::as_str) {
            moved.extend(std::iter::repeat_n(event, (after[event] - before[event]) as usize));
        }
        for key in ["access_token", "refresh_token"] {
            if let Some(token) = answer.1[key].as_str() {
                self.secrets.push(token.to_string());
            }
        }
        self.expected.extend(&moved);
        (answer, moved)
    }

    /// Runs `action`, asserting its status and that it moved exactly the counter of `event`.
    async fn expect(&mut self, event: AuditEvent, status: StatusCode, action: impl Future<Output = (StatusCode, Value)>) -> Value {
        let ((got, body), moved) = self.audited(action).await;
        assert_eq!(got, status, "{body}");
        assert_eq!(moved, [event.as_str()], "{body}");
        body
    }

    async fn login(&mut self, username: &str, password: &str) -> Value {
        let app = self.app;
        self.expect(LoginSuccess, StatusCode::OK, app.try_login(username, password)).await
    }
}

/// The `audit` lines of a JSON log.
fn audit_lines(logs: &str) -> Vec<Value> {
    let lines = logs.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok());
    lines.filter(|l| l["target"] == "audit").collect()
}

/// The `sid` claim of a token.
fn sid(token: &str) -> String {
    segment(token, 1)["sid"].as_str().expect("sid claim").to_string()
}

#[tokio::test]
async fn each_action_is_counted_and_logged_as_an_audit_event_without_secrets() {
    // Everything logged, request and response headers included.
    let mut server = Server::start(Config {
        admin: true,
        log_filter: Some("debug".into()),
        // A replay counts as reuse at once (the grace window has its own tests).
        env: vec![("AUTH_REFRESH_REUSE_GRACE", "0".into())],
        ..Default::default()
    })
    .await;
    let app: &Http = &server;
    let mut audit = Auditor {
        app,
        expected: Vec::new(),
        secrets: [PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, ADMIN_PASSWORD].map(String::from).to_vec(),
    };
    let credentials = |username: &str, password: &str| json!({ "username": username, "password": password });

    let register = app.call(Method::POST, "/api/v1/auth/register", None, Some(credentials("alice", PASSWORD)));
    let registered = audit.expect(Register, StatusCode::CREATED, register).await;
    let alice = registered["user"]["id"].as_i64().unwrap();
    let failed_login = app.req(Method::POST, "/api/v1/auth/login", None).header("x-request-id", REQUEST_ID);
    let failed_login = async { json_of(failed_login.json(&credentials("alice", WRONG_PASSWORD)).send().await.unwrap()).await };
    audit.expect(LoginFailure, StatusCode::UNAUTHORIZED, failed_login).await;
    audit
        .expect(LoginFailure, StatusCode::UNAUTHORIZED, app.try_login("ghost", WRONG_PASSWORD))
        .await;

    let reused = audit.login("alice", PASSWORD).await;
    let (access, refresh) = (s(&reused, "access_token"), s(&reused, "refresh_token"));
    let fresh_login = app.post("/api/v1/auth/fresh-login", &access, json!({ "password": PASSWORD }));
    audit.expect(LoginSuccess, StatusCode::OK, fresh_login).await;
    audit.expect(Refresh, StatusCode::OK, app.refresh(&refresh)).await;
    audit.expect(RefreshReuse, StatusCode::UNAUTHORIZED, app.refresh(&refresh)).await;

    let pair = audit.login("alice", PASSWORD).await;
    let (access, refresh) = (s(&pair, "access_token"), s(&pair, "refresh_token"));
    let logout_access = app.call(Method::POST, "/api/v1/auth/logout/access", Some(&access), None);
    audit.expect(LogoutAccess, StatusCode::OK, logout_access).await;
    let logout_refresh = app.call(Method::POST, "/api/v1/auth/logout/refresh", Some(&refresh), None);
    audit.expect(LogoutRefresh, StatusCode::OK, logout_refresh).await;
    let access = s(&audit.login("alice", PASSWORD).await, "access_token");
    let logout = app.call(Method::POST, "/api/v1/auth/logout", Some(&access), None);
    audit.expect(Logout, StatusCode::OK, logout).await;

    let keeper = s(&audit.login("alice", PASSWORD).await, "access_token");
    let deleted = sid(&s(&audit.login("alice", PASSWORD).await, "access_token"));
    let path = format!("/api/v1/auth/sessions/{deleted}");
    let delete = app.call(Method::DELETE, &path, Some(&keeper), None);
    audit.expect(SessionRevoked, StatusCode::NO_CONTENT, delete).await;
    let change = |current: &str| {
        let body = json!({ "current_password": current, "new_password": NEW_PASSWORD });
        app.call(Method::PUT, "/api/v1/auth/password", Some(&keeper), Some(body))
    };
    audit.expect(LoginFailure, StatusCode::UNAUTHORIZED, change(WRONG_PASSWORD)).await;
    let changed = audit.expect(PasswordChanged, StatusCode::OK, change(PASSWORD)).await;
    let last = s(&audit.login("alice", NEW_PASSWORD).await, "access_token");
    let logout_all = audit
        .expect(LogoutAll, StatusCode::OK, app.post("/api/v1/auth/logout-all", &last, json!({})))
        .await;

    let admin = audit.login(ADMIN, ADMIN_PASSWORD).await;
    let admin_id = admin["user"]["id"].as_i64().unwrap();
    let (path, access) = (format!("/api/v1/users/{alice}"), s(&admin, "access_token"));
    let delete_user = app.call(Method::DELETE, &path, Some(&access), None);
    audit.expect(UserDeleted, StatusCode::NO_CONTENT, delete_user).await;

    // Failures for one name until the throttle refuses to check the password at all.
    let mut throttled = false;
    for _ in 0..10 {
        let ((status, body), moved) = audit.audited(app.try_login("mallory", WRONG_PASSWORD)).await;
        match status {
            StatusCode::UNAUTHORIZED => assert_eq!(moved, ["login_failure"], "{body}"),
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(moved, ["login_throttled"], "{body}");
                throttled = true;
                break;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(throttled, "the login throttle never answered 429");
    let (expected, secrets) = (audit.expected, audit.secrets);

    server.instance.kill();
    let logs = server.logs();
    for secret in &secrets {
        // A token's signature is enough to find it (whole, or cut anywhere before it).
        let needle = secret.rsplit('.').next().unwrap();
        assert!(!logs.contains(needle), "a secret reached the logs: {needle}");
    }
    assert!(!logs.contains("$argon2"), "a password hash reached the logs");

    let mut lines = audit_lines(&logs);
    // The start-up admin's creation (no request, no client): checked, then set aside.
    let startup = lines.remove(0);
    assert_eq!(
        (startup["fields"]["event"].as_str(), startup["fields"]["user_id"].as_i64()),
        (Some("user_promoted"), Some(1))
    );
    let events: Vec<&str> = lines.iter().map(|l| l["fields"]["event"].as_str().unwrap()).collect();
    assert_eq!(events, expected, "one audit line per counted event, in order");
    for line in &lines {
        let fields = &line["fields"];
        assert_eq!(fields["client_ip"], "127.0.0.1", "{line}");
        assert!(
            line["span"]["id"].as_str().is_some_and(|id| !id.is_empty()),
            "no request id: {line}"
        );
        let alarm = ["login_failure", "login_throttled", "refresh_reuse"].contains(&fields["event"].as_str().unwrap());
        assert_eq!(line["level"], if alarm { "WARN" } else { "INFO" }, "{line}");
    }
    let find = |event: &str, nth: usize| -> &Value {
        let mut found = lines.iter().filter(|l| l["fields"]["event"] == event);
        &found.nth(nth).unwrap_or_else(|| panic!("no {event} #{nth}"))["fields"]
    };
    let first_failure = lines.iter().find(|l| l["fields"]["event"] == "login_failure").unwrap();
    assert_eq!(
        first_failure["span"]["client_request_id"], REQUEST_ID,
        "the client's request id is its own field of the span"
    );
    assert!(
        uuid::Uuid::parse_str(first_failure["span"]["id"].as_str().unwrap()).is_ok(),
        "the server's own id"
    );
    assert_eq!(find("login_failure", 0)["user_id"], alice);
    assert_eq!(find("login_failure", 0)["username"], "alice");
    assert_eq!(find("login_failure", 1)["username"], "ghost");
    assert!(find("login_failure", 1).get("user_id").is_none(), "no such user");
    assert_eq!(find("register", 0)["user_id"], alice);
    assert_eq!(find("login_success", 0)["session"], sid(&s(&reused, "access_token")));
    assert_eq!(find("refresh_reuse", 0)["session"], sid(&s(&reused, "access_token")));
    assert_eq!(find("session_revoked", 0)["session"], deleted);
    assert_eq!(find("password_changed", 0)["sessions_revoked"], changed["revoked_sessions"]);
    assert_eq!(find("logout_all", 0)["sessions_revoked"], logout_all["revoked_sessions"]);
    assert_eq!(find("logout_all", 0)["user_id"], alice);
    let deletion = find("user_deleted", 0);
    assert_eq!((&deletion["user_id"], &deletion["by"]), (&json!(alice), &json!(admin_id)));
}

//! Login throttling (issue 17): attempts are reserved before hashing so concurrent guesses
//! cannot race past the per-account limit, the per-address limit is loose and never
//! refuses a right password, entries leave with their window, over-long names cost no
//! lookup, and the hashing queue is bounded.

use std::time::{Duration, Instant};

use auth_server::infra::password::Lane;
use auth_server::settings::Settings;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{ADMIN, ADMIN_PASSWORD, Config, PASSWORD, TestApp, json_of, spawn_with};

async fn app_with(account_limit: Option<u32>, extra: Settings) -> TestApp {
    spawn_with(Config {
        admin: true,
        login_max_failures: account_limit,
        extra,
        ..Default::default()
    })
    .await
}

async fn alice_allowed_three_attempts() -> TestApp {
    let app = app_with(Some(3), Settings::default()).await;
    app.register("alice").await;
    app
}

/// Polls `condition` every 50 ms until it holds, failing after 30 s.
async fn eventually(what: &str, mut condition: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !condition().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn repeated_failures_are_rate_limited() {
    let app = alice_allowed_three_attempts().await;
    for _ in 0..3 {
        assert_eq!(app.try_login("alice", "wrong password").await.0, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits: the account itself is limited.
    let response = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"], "rate_limited");
}

#[tokio::test]
async fn failures_below_the_limit_are_not_limited() {
    let app = alice_allowed_three_attempts().await;
    for _ in 0..2 {
        assert_eq!(app.try_login("alice", "wrong password").await.0, StatusCode::UNAUTHORIZED);
    }
    app.login("alice", PASSWORD).await;
    // The success started the count again.
    for _ in 0..2 {
        assert_eq!(app.try_login("alice", "wrong password").await.0, StatusCode::UNAUTHORIZED);
    }
    app.login("alice", PASSWORD).await;
}

#[tokio::test]
async fn concurrent_guesses_cannot_race_past_the_account_limit() {
    let app = app_with(Some(5), Settings::default()).await;
    app.register("alice").await;
    let statuses = concurrent_logins(&app, (0..30).map(|_| ("alice".to_string(), "wrong password")), None).await;
    let evaluated = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((evaluated, refused), (5, 25), "{statuses:?}");
    assert_eq!(app.try_login("alice", PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);
    // Another account is untouched, and no check is left holding a turn.
    app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(app.state.throttle.busy_keys(), 0);
}

/// Sends every login at once (each from `forwarded` when given) and returns the
/// statuses, in order.
async fn concurrent_logins(
    app: &TestApp,
    logins: impl IntoIterator<Item = (String, &'static str)>,
    forwarded: Option<&'static str>,
) -> Vec<StatusCode> {
    let mut tasks = Vec::new();
    for (username, password) in logins {
        let mut request = app
            .req(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"username": username, "password": password}));
        if let Some(forwarded) = forwarded {
            request = request.header("x-forwarded-for", forwarded);
        }
        tasks.push(tokio::spawn(async move { request.send().await.unwrap() }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap().status());
    }
    statuses
}

#[tokio::test]
async fn a_canonically_equal_name_is_the_same_account_for_the_throttle() {
    let app = alice_allowed_three_attempts().await;
    // Fullwidth and upper-case spellings are alice's account, not three accounts.
    for spelling in ["ＡＬＩＣＥ", "Alice", "ａｌｉｃｅ"] {
        assert_eq!(app.try_login(spelling, "wrong password").await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.try_login("alice", PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_address_over_its_limit_still_logs_in_with_the_right_password() {
    // Defaults: 5 attempts per account, 50 failures per address.
    let app = app_with(None, Settings::default()).await;
    app.register("alice").await;
    for i in 0..6 {
        let (status, _) = app.try_login(&format!("nobody{i}"), "wrong password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "one address, many names: not limited at 6");
    }
    app.login("alice", PASSWORD).await;

    let app = app_with(
        Some(5),
        Settings {
            login_address_max_failures: 3,
            ..Default::default()
        },
    )
    .await;
    app.register("alice").await;
    for i in 0..3 {
        assert_eq!(
            app.try_login(&format!("nobody{i}"), "wrong password").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Over the address limit: wrong passwords are refused with 429...
    let response = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": "alice", "password": "wrong password"}))
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // ...but right ones still log in, the admin's and alice's alike.
    app.login(ADMIN, ADMIN_PASSWORD).await;
    app.login("alice", PASSWORD).await;
}

#[tokio::test]
async fn behind_a_proxy_one_client_does_not_lock_out_the_others() {
    let app = app_with(
        Some(3),
        Settings {
            trusted_proxy_hops: 1,
            login_address_max_failures: 3,
            ..Default::default()
        },
    )
    .await;
    app.register("alice").await;
    // One client guesses many names until its address is over the limit.
    for (i, expected) in [StatusCode::UNAUTHORIZED; 3]
        .into_iter()
        .chain([StatusCode::TOO_MANY_REQUESTS])
        .enumerate()
    {
        let statuses = concurrent_logins(&app, [(format!("victim{i}"), "wrong password")], Some("203.0.113.66")).await;
        assert_eq!(statuses, [expected]);
    }
    // Another client of the same proxy: its own address, its own count.
    let response = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .header("x-forwarded-for", "198.51.100.7")
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn over_long_usernames_are_refused_before_any_lookup() {
    let app = app_with(Some(1), Settings::default()).await;
    for name in ["a".repeat(65), "é".repeat(65), "x".repeat(10_000)] {
        let (status, body) = app.try_login(&name, "wrong password").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["errors"]["username"].is_array(), "{body}");
    }
    // Refused before the throttle too: nothing was counted for them.
    assert_eq!(app.state.throttle.tracked_keys().unwrap_or(0), 0);
}

#[tokio::test]
async fn throttle_entries_leave_with_their_window() {
    let window = Duration::from_secs(5);
    let app = app_with(
        None,
        Settings {
            login_window: window,
            ..Default::default()
        },
    )
    .await;
    let started = Instant::now();
    let ghosts = concurrent_logins(&app, (0..20).map(|i| (format!("ghost{i}"), "wrong password")), None).await;
    assert!(ghosts.iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{ghosts:?}");
    match app.state.throttle.tracked_keys() {
        Some(keys) => {
            // A key leaves only a whole window after it was last counted, and every ghost
            // was counted after `started`: until a window has passed since, all are held.
            // (A machine slow enough to spend the window on 20 logins may have swept them.)
            if started.elapsed() < window {
                assert!(keys >= 20, "{keys}");
            }
            // Each poll touches the same two keys (an account and the address).
            eventually("old entries are swept", async || {
                app.try_login("later", "wrong password").await;
                app.state.throttle.tracked_keys().unwrap() <= 2
            })
            .await;
        }
        None => {
            // In Redis every counter expires with the window.
            let redis = app.state.redis.clone().expect("redis");
            let pattern = redis.key("throttle:*");
            let keys: Vec<String> = redis.query(redis::cmd("KEYS").arg(&pattern)).await.unwrap();
            // As above: only within the window can all 20 still be there.
            if started.elapsed() < window {
                assert!(keys.len() >= 20, "{keys:?}");
            }
            for key in keys {
                // -2: the key expired since KEYS listed it; -1 (no expiry) would be the bug.
                let ttl: i64 = redis.query(redis::cmd("PTTL").arg(&key)).await.unwrap();
                assert!(ttl == -2 || (0..=5000).contains(&ttl), "{key}: {ttl}");
            }
        }
    }
}

#[tokio::test]
async fn a_full_hashing_queue_answers_503_with_retry_after() {
    let app = app_with(
        Some(100),
        Settings {
            hashing_queue: 0,
            login_address_max_failures: 1000,
            ..Default::default()
        },
    )
    .await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let request = app
            .req(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"username": format!("user{i}"), "password": "wrong password"}));
        tasks.push(tokio::spawn(async move { json_of_with_retry(request.send().await.unwrap()).await }));
    }
    let mut busy = 0;
    for task in tasks {
        let (status, retry_after, body) = task.await.unwrap();
        match status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert_eq!(retry_after.as_deref(), Some("1"));
                assert_eq!(body["error"], "server_busy", "{body}");
                assert!(body["msg"].is_string(), "{body}");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(busy > 0, "24 checks at once on a queue of 0 must shed some");
}

async fn json_of_with_retry(response: reqwest::Response) -> (StatusCode, Option<String>, serde_json::Value) {
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    let (status, body) = json_of(response).await;
    (status, retry_after, body)
}

#[tokio::test]
async fn a_login_whose_client_left_is_not_hashed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = app_with(
        None,
        Settings {
            hashing_queue: 200,
            ..Default::default()
        },
    )
    .await;
    // The start-up admin's hash is done; then a backlog on the hashing threads, so the
    // logins below have to queue.
    let before = app.state.hasher.ran();
    let backlog: Vec<_> = (0..60)
        .map(|_| {
            let hasher = app.state.hasher.clone();
            tokio::spawn(async move { hasher.hash("backlog password".into()).await.unwrap() })
        })
        .collect();
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut clients = Vec::new();
    for i in 0..16 {
        let body = json!({"username": format!("gone{i}"), "password": "wrong password"}).to_string();
        let request = format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        // The client goes away without waiting for the answer (it only reads, to learn
        // when the server has closed the connection).
        stream.shutdown().await.unwrap();
        clients.push(stream);
    }
    for mut stream in clients {
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    }
    let backlog_started = app.state.hasher.ran() - before;
    for task in backlog {
        task.await.unwrap();
    }
    // Jobs run in order: once this one has, every abandoned one was met (and dropped).
    app.state.hasher.verify("sentinel".into(), None, Lane::Normal).await.unwrap();
    assert!(
        backlog_started < 60,
        "the backlog drained before the clients left: nothing was tested"
    );
    assert_eq!(app.state.hasher.ran() - before, 61, "only the backlog and the sentinel were hashed");
}

#[tokio::test]
async fn an_attempt_never_checked_does_not_count() {
    // What a login refused with 503 (full hashing queue) does with its reservation, on the
    // binary's backend (in memory, or in Redis).
    let app = app_with(None, Settings::default()).await;
    let throttle = auth_server::infra::throttle::LoginThrottle::new(1, 50, Duration::from_secs(60), app.state.redis.clone());
    let attempt = throttle
        .begin("alice", "192.0.2.1", None)
        .await
        .unwrap()
        .expect("the first attempt");
    attempt.abandoned().await.unwrap();
    let attempt = throttle
        .begin("ALICE", "192.0.2.1", None)
        .await
        .unwrap()
        .expect("the slot was given back");
    assert_eq!(attempt.failed().await.unwrap(), None);
    assert!(
        throttle.begin("alice", "192.0.2.1", None).await.unwrap().is_err(),
        "a checked attempt counts"
    );
}

//! Backends going away under load and coming back: requests that need them answer 503
//! `{"msg": "Service unavailable"}` within bounded time, a revoked token is never
//! accepted, and service resumes without a restart (`revocation_sync.rs` follows the
//! revocation view through the same faults on several instances). Redis is a
//! private `redis-server` this test starts and stops; PostgreSQL is cut off through a
//! proxy (the machine's shared servers are never stopped).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};

use super::fault_proxy::{Proxy, through, upstream};
use super::private_redis::PrivateRedis;
use crate::helpers::{Config, DataDir, PASSWORD, TestApp, s, spawn_in};

/// Longest any single request may take while a backend is down.
const BOUNDED: Duration = Duration::from_secs(8);
/// Longest the service may take to resume once the backend is back.
const RECOVERY: Duration = Duration::from_secs(20);
/// Interval between polls of a backend that is coming back.
const POLL: Duration = Duration::from_millis(50);

/// Status and `msg` of `GET path`, asserting the answer came within [`BOUNDED`].
async fn timed_get(app: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, serde_json::Value) {
    let started = Instant::now();
    let answer = app.call(Method::GET, path, token, None).await;
    assert!(started.elapsed() < BOUNDED, "{path} took {:?}", started.elapsed());
    answer
}

/// Polls until `GET /readyz` is 200 (the backend is back), within [`RECOVERY`].
async fn wait_ready(app: &TestApp) {
    let started = Instant::now();
    while app.call(Method::GET, "/readyz", None, None).await.0 != StatusCode::OK {
        assert!(started.elapsed() < RECOVERY, "the service did not recover");
        tokio::time::sleep(POLL).await;
    }
}

fn assert_unavailable((status, body): (StatusCode, serde_json::Value)) {
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["msg"], "Service unavailable", "{body}");
}

/// alice with a revoked and a valid access token, and requests with both running in the
/// background the whole time (a revoked token accepted even once fails the test).
struct Alice {
    revoked: String,
    valid: String,
    stop: Arc<AtomicBool>,
    load: tokio::task::JoinHandle<usize>,
}

impl Alice {
    async fn start(app: &TestApp) -> Alice {
        let revoked = s(&app.register("alice").await, "access_token");
        let valid = s(&app.login("alice", PASSWORD).await, "access_token");
        let (status, body) = app.post("/api/v1/auth/logout/access", &revoked, serde_json::json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let stop = Arc::new(AtomicBool::new(false));
        let (client, url, flag) = (app.client.clone(), app.url("/api/v1/secret"), stop.clone());
        let (bad, good) = (revoked.clone(), valid.clone());
        let load = tokio::spawn(async move {
            let mut requests = 0;
            while !flag.load(Ordering::SeqCst) {
                let status = client.get(&url).bearer_auth(&bad).send().await.unwrap().status();
                assert_ne!(status, StatusCode::OK, "a revoked token was accepted");
                let status = client.get(&url).bearer_auth(&good).send().await.unwrap().status();
                assert!([StatusCode::OK, StatusCode::SERVICE_UNAVAILABLE].contains(&status), "{status}");
                requests += 2;
            }
            requests
        });
        Alice {
            revoked,
            valid,
            stop,
            load,
        }
    }

    /// Once ready again: the revoked token still refused, the valid one and logins working.
    async fn recovered(self, app: &TestApp) {
        wait_ready(app).await;
        assert_eq!(app.secret_status(&self.revoked).await, StatusCode::UNAUTHORIZED);
        assert_eq!(app.secret_status(&self.valid).await, StatusCode::OK);
        app.login("alice", PASSWORD).await;
        self.stop.store(true, Ordering::SeqCst);
        assert!(self.load.await.expect("no revoked token was accepted under load") > 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn redis_going_away_keeps_token_checks_answered_from_the_database_and_recovers() {
    let mut redis = PrivateRedis::start().await;
    let config = Config {
        redis_url: Some(redis.url()),
        ..Default::default()
    };
    crate::backend::Backend::require(crate::backend::Backend::PostgresRedis);
    let app = spawn_in(DataDir::new().await, config).await;
    let alice = Alice::start(&app).await;

    redis.kill().await;
    // The revocations are in memory, kept current by polling PostgreSQL.
    assert_eq!(timed_get(&app, "/api/v1/secret", Some(&alice.valid)).await.0, StatusCode::OK);
    assert_eq!(
        timed_get(&app, "/api/v1/secret", Some(&alice.revoked)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(timed_get(&app, "/readyz", None).await.0, StatusCode::OK);
    // Login needs the shared throttle counters.
    let started = Instant::now();
    assert_unavailable(app.try_login("alice", PASSWORD).await);
    assert!(started.elapsed() < BOUNDED);

    // Back, but empty (no persistence): the instance resubscribes and reloads, and logins
    // work again once the connection manager has reconnected.
    redis.restart().await;
    let started = Instant::now();
    while app.try_login("alice", PASSWORD).await.0 != StatusCode::OK {
        assert!(started.elapsed() < RECOVERY, "logins did not resume");
        tokio::time::sleep(POLL).await;
    }
    alice.recovered(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn postgres_going_away_fails_closed_and_recovers() {
    let dir = DataDir::new().await;
    let proxy = Proxy::start(upstream(&dir)).await;
    let config = Config {
        database_url: Some(through(&dir, &proxy)),
        ..Default::default()
    };
    let app = spawn_in(dir, config).await;
    let alice = Alice::start(&app).await;

    proxy.cut();
    assert_unavailable(timed_get(&app, "/api/v1/auth/sessions", Some(&alice.valid)).await);
    // alice's login filled the shared user cache: her profile is still answered from Redis.
    let (status, body) = timed_get(&app, "/api/v1/users/me", Some(&alice.valid)).await;
    assert_eq!((status, body["username"].as_str()), (StatusCode::OK, Some("alice")), "{body}");
    assert_unavailable(timed_get(&app, "/readyz", None).await);
    let started = Instant::now();
    assert_unavailable(app.try_login("alice", PASSWORD).await);
    assert!(started.elapsed() < BOUNDED);
    // Revocation checks are answered from memory, kept current by the live Redis channel.
    assert_eq!(
        timed_get(&app, "/api/v1/secret", Some(&alice.revoked)).await.0,
        StatusCode::UNAUTHORIZED
    );

    proxy.restore();
    let valid = alice.valid.clone();
    alice.recovered(&app).await;
    assert_eq!(app.get("/api/v1/users/me", &valid).await.0, StatusCode::OK);
}

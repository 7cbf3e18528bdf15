//! How revocations reach every instance when the Redis channel that normally carries them
//! fails: a publish refused, the subscriptions lost, Redis stopped under load and back,
//! and PostgreSQL gone too. Real server processes on a private `redis-server` (restricted
//! per instance with ACL users where a test needs one instance unable to publish); the
//! sync state is read from each instance's `auth_revocation_sync` gauge (2: the channel is
//! live, 1: the view is kept by polling PostgreSQL, 0: stale, checks fail closed).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};

use super::fault_proxy::{Proxy, through, upstream};
use super::private_redis::PrivateRedis;
use crate::helpers::{Config, Http, PASSWORD, s};
use crate::processes::{Cluster, Instance};

/// The poll interval the servers run with (the default).
pub const POLL_INTERVAL: (&str, &str) = ("AUTH_REVOCATION_POLL_INTERVAL", "1s");
/// Longest a state change or a revocation may take to show: the poll interval, a timed
/// out Redis or database call (2 s) and slack for a machine shared with other builds.
pub const DEADLINE: Duration = Duration::from_secs(15);
/// Interval between polls of a condition.
const POLL: Duration = Duration::from_millis(20);

/// Polls `condition` until it holds, failing the test after [`DEADLINE`].
pub async fn eventually<F: AsyncFn() -> bool>(what: &str, condition: F) {
    let started = Instant::now();
    while !condition().await {
        assert!(started.elapsed() < DEADLINE, "not within {DEADLINE:?}: {what}");
        tokio::time::sleep(POLL).await;
    }
}

/// The instance's `auth_revocation_sync` gauge.
pub async fn sync_state(app: &Http) -> Option<u8> {
    let text = app.client.get(app.url("/metrics")).send().await.ok()?.text().await.ok()?;
    let line = text.lines().find(|l| l.starts_with("auth_revocation_sync "))?;
    line.split_whitespace().nth(1)?.parse::<f64>().ok().map(|v| v as u8)
}

/// Waits until every instance reports `state`.
pub async fn all_in_state(apps: &[Instance], state: u8) {
    for app in apps {
        eventually(&format!("{} reports sync state {state}", app.base), async || {
            sync_state(app).await == Some(state)
        })
        .await;
    }
}

/// Asserts every instance reports `state` throughout `period` (a healthy channel must
/// survive its heartbeats, one per poll interval).
async fn stays_in_state(apps: &[Instance], state: u8, period: Duration) {
    let started = Instant::now();
    while started.elapsed() < period {
        for app in apps {
            assert_eq!(sync_state(app).await, Some(state), "{} left state {state}", app.base);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Waits until every instance refuses `token` as revoked.
pub async fn refused_everywhere(apps: &[Instance], token: &str) {
    for app in apps {
        eventually(&format!("{} refuses the revoked token", app.base), async || {
            app.secret_status(token).await == StatusCode::UNAUTHORIZED
        })
        .await;
    }
}

/// Revokes `token` (logout) on `app`, asserting it is acknowledged.
pub async fn revoke(app: &Http, token: &str) {
    let (status, body) = app.call(Method::POST, "/api/v1/auth/logout/access", Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// `n` fresh access tokens of alice (registered on `app`).
async fn tokens(app: &Http, n: usize) -> Vec<String> {
    let mut tokens = vec![s(&app.register("alice").await, "access_token")];
    while tokens.len() < n {
        tokens.push(s(&app.login("alice", PASSWORD).await, "access_token"));
    }
    tokens
}

fn on(redis_url: String) -> Config {
    Config {
        redis_url: Some(redis_url),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn a_revocation_whose_publish_fails_is_refused_by_every_instance() {
    let redis = PrivateRedis::start().await;
    redis.user("full", &["~*", "&*", "+@all"]).await;
    // May read and write keys but neither run scripts nor publish.
    redis.user("mute", &["~*", "&*", "+@all", "-@scripting", "-publish"]).await;
    let cluster = Cluster::start_each(&[on(redis.url_as("mute")), on(redis.url_as("full"))], &[POLL_INTERVAL]).await;
    let [mute, full] = &cluster.instances[..] else {
        unreachable!("two instances")
    };
    all_in_state(&cluster.instances, 2).await;
    let access = s(&full.register("alice").await, "access_token");
    for app in [mute, full] {
        assert_eq!(app.secret_status(&access).await, StatusCode::OK);
    }

    // Committed to PostgreSQL; the message is refused by Redis.
    let (status, body) = mute.call(Method::POST, "/api/v1/auth/logout/access", Some(&access), None).await;
    assert_eq!(
        mute.secret_status(&access).await,
        StatusCode::UNAUTHORIZED,
        "the revoking instance refuses at once"
    );
    refused_everywhere(&cluster.instances, &access).await;
    // Acknowledged: the revocation is durable and reaches the others through the database.
    assert_eq!(status, StatusCode::OK, "{body}");
    // Whoever can publish still reaches the others through Redis.
    let other = s(&full.login("alice", PASSWORD).await, "access_token");
    revoke(full, &other).await;
    refused_everywhere(&cluster.instances, &other).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn a_lost_subscription_falls_back_to_polling_then_resynchronises() {
    let redis = PrivateRedis::start().await;
    redis.user("server", &["~*", "&*", "+@all"]).await;
    let config = on(redis.url_as("server"));
    let cluster = Cluster::start_each(&[config.clone(), config], &[POLL_INTERVAL]).await;
    let apps = &cluster.instances;
    all_in_state(apps, 2).await;
    stays_in_state(apps, 2, Duration::from_secs(3)).await;
    let alice = tokens(&apps[0], 3).await;

    // No channel may be subscribed to (or published on) any more, and the subscriptions go.
    redis.user("server", &["resetchannels"]).await;
    redis.kill_subscriptions().await;
    all_in_state(apps, 1).await;
    for app in apps {
        assert_eq!(app.secret_status(&alice[2]).await, StatusCode::OK, "still answering while polling");
    }
    revoke(&apps[0], &alice[0]).await;
    refused_everywhere(apps, &alice[0]).await;

    redis.user("server", &["allchannels"]).await;
    all_in_state(apps, 2).await;
    revoke(&apps[1], &alice[1]).await;
    refused_everywhere(apps, &alice[1]).await;
    for app in apps {
        assert_eq!(app.secret_status(&alice[0]).await, StatusCode::UNAUTHORIZED);
        assert_eq!(app.secret_status(&alice[2]).await, StatusCode::OK);
    }
}

/// Requests to every instance running in the background: `valid` must always be
/// accepted, and every token in `refused` (a token joins once every instance refused it)
/// must never be accepted again.
struct Load {
    refused: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<usize>>,
}

impl Load {
    fn start(apps: &[Instance], valid: &str, refused: Vec<String>) -> Load {
        let refused = Arc::new(Mutex::new(refused));
        let stop = Arc::new(AtomicBool::new(false));
        let tasks = apps
            .iter()
            .map(|app| {
                let (client, url) = (app.client.clone(), app.url("/api/v1/secret"));
                let (valid, refused, stop) = (valid.to_string(), refused.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut requests = 0;
                    while !stop.load(Ordering::SeqCst) {
                        let status = client.get(&url).bearer_auth(&valid).send().await.unwrap().status();
                        assert_eq!(status, StatusCode::OK, "a valid token was not accepted by {url}");
                        let tokens = refused.lock().unwrap().clone();
                        for token in tokens {
                            let status = client.get(&url).bearer_auth(&token).send().await.unwrap().status();
                            assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked token was not refused by {url}");
                        }
                        requests += 1;
                    }
                    requests
                })
            })
            .collect();
        Load { refused, stop, tasks }
    }

    /// Revokes `token` on `app`, waits until every instance refuses it, then keeps checking.
    async fn revoke(&self, apps: &[Instance], app: &Http, token: &str) {
        revoke(app, token).await;
        refused_everywhere(apps, token).await;
        self.refused.lock().unwrap().push(token.to_string());
    }

    async fn finish(self) {
        self.stop.store(true, Ordering::SeqCst);
        for task in self.tasks {
            assert!(task.await.expect("no wrong answer under load") > 0);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn redis_stopped_under_load_keeps_valid_tokens_answered_and_revoked_ones_refused_then_resynchronises() {
    let mut redis = PrivateRedis::start().await;
    let config = on(redis.url());
    let cluster = Cluster::start_each(&vec![config; 3], &[POLL_INTERVAL]).await;
    let apps = &cluster.instances;
    all_in_state(apps, 2).await;
    // Logins need Redis (the throttle): every token is issued before it stops.
    let alice = tokens(&apps[0], 4).await;
    revoke(&apps[1], &alice[0]).await;
    refused_everywhere(apps, &alice[0]).await;
    let load = Load::start(apps, &alice[3], vec![alice[0].clone()]);

    redis.kill().await;
    all_in_state(apps, 1).await;
    // Written to PostgreSQL, not published: the others read it at their next poll.
    load.revoke(apps, &apps[0], &alice[1]).await;

    // Back, empty: every instance resubscribes and reloads from the database.
    redis.restart().await;
    all_in_state(apps, 2).await;
    load.revoke(apps, &apps[2], &alice[2]).await;
    load.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn redis_and_postgres_both_unreachable_fail_closed_then_recover() {
    let mut redis = PrivateRedis::start().await;
    let dir = crate::helpers::DataDir::new().await;
    let proxy = Proxy::start(upstream(&dir)).await;
    let config = Config {
        redis_url: Some(redis.url()),
        database_url: Some(through(&dir, &proxy)),
        ..Default::default()
    };
    let cluster = Cluster::start_on(dir, &[config], &[POLL_INTERVAL]).await;
    let apps = &cluster.instances;
    all_in_state(apps, 2).await;
    let alice = tokens(&apps[0], 2).await;
    revoke(&apps[0], &alice[0]).await;

    redis.kill().await;
    all_in_state(apps, 1).await;
    assert_eq!(apps[0].secret_status(&alice[1]).await, StatusCode::OK);
    proxy.cut();
    all_in_state(apps, 0).await;
    for token in &alice {
        let (status, body) = apps[0].get("/api/v1/secret", token).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(body["msg"], "Service unavailable", "{body}");
    }

    proxy.restore();
    all_in_state(apps, 1).await;
    assert_eq!(apps[0].secret_status(&alice[0]).await, StatusCode::UNAUTHORIZED);
    assert_eq!(apps[0].secret_status(&alice[1]).await, StatusCode::OK);
    redis.restart().await;
    all_in_state(apps, 2).await;
}

//! Three server processes on one database and one Redis: what one does, the others see
//! (revocations as soon as the Redis channel brings them, see `docs/deployment.md`).

use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::task::JoinSet;

use super::revocation_sync::refused_everywhere;
use crate::helpers::{Config, PASSWORD, s};
use crate::processes::Cluster;

/// `n` server processes with the start-up admin.
async fn cluster(n: usize) -> Cluster {
    Cluster::start(
        n,
        &Config {
            admin: true,
            ..Default::default()
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn a_revocation_on_one_instance_is_refused_by_the_others_once_it_has_spread() {
    let cluster = cluster(3).await;
    let apps = &cluster.instances;
    let (a, b, c) = (&apps[0], &apps[1], &apps[2]);
    let pair = a.register("alice").await;
    let access = s(&pair, "access_token");
    for app in apps {
        assert_eq!(app.secret_status(&access).await, StatusCode::OK);
    }
    let (status, body) = a.call(Method::POST, "/api/v1/auth/logout/access", Some(&access), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The revoking instance at once; the others as soon as the channel brings it.
    assert_eq!(a.secret_status(&access).await, StatusCode::UNAUTHORIZED);
    refused_everywhere(apps, &access).await;
    for app in [b, c, a] {
        let (status, body) = app.get("/api/v1/secret", &access).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["msg"], "Token has been revoked");
    }
    // Only that token: the session's refresh token still works, on any instance.
    assert_eq!(c.refresh(&s(&pair, "refresh_token")).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn logout_all_on_one_instance_ends_sessions_used_on_another() {
    let cluster = cluster(3).await;
    let apps = &cluster.instances;
    let (a, b, c) = (&apps[0], &apps[1], &apps[2]);
    a.register("alice").await;
    let used_on_a = a.login("alice", PASSWORD).await;
    let used_on_b = b.login("alice", PASSWORD).await;
    assert_eq!(a.secret_status(&s(&used_on_a, "access_token")).await, StatusCode::OK);

    let (status, body) = b.post("/api/v1/auth/logout-all", &s(&used_on_b, "access_token"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["revoked_sessions"], 3, "{body}");
    refused_everywhere(apps, &s(&used_on_a, "access_token")).await;
    for app in [a, c] {
        assert_eq!(app.secret_status(&s(&used_on_a, "access_token")).await, StatusCode::UNAUTHORIZED);
        assert_eq!(app.refresh(&s(&used_on_a, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    }
    // A new login still works anywhere.
    let again = c.login("alice", PASSWORD).await;
    assert_eq!(a.secret_status(&s(&again, "access_token")).await, StatusCode::OK);
}

/// The `jti` of a token, read without verifying it.
fn jti(token: &str) -> String {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    let claims: serde_json::Value = serde_json::from_slice(&json).expect("JSON claims");
    claims["jti"].as_str().expect("a jti").to_string()
}

/// 50 presentations of one refresh token spread over the instances at once.
async fn refresh_storm(apps: &[crate::processes::Instance], refresh: &str) -> Vec<(StatusCode, serde_json::Value)> {
    let mut requests = JoinSet::new();
    for i in 0..50 {
        let request = apps[i % apps.len()].req(Method::POST, "/api/v1/auth/refresh", Some(refresh));
        requests.spawn(async move {
            let response = request.send().await.expect("request sent");
            let status = response.status();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            (status, body)
        });
    }
    let mut answers = Vec::new();
    while let Some(result) = requests.join_next().await {
        answers.push(result.expect("request task"));
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn concurrent_refreshes_across_instances_yield_one_successor() {
    let cluster = cluster(3).await;
    let apps = &cluster.instances;
    let pair = apps[0].register("alice").await;
    let mut successors = std::collections::HashSet::new();
    let mut accesses = Vec::new();
    for (status, body) in refresh_storm(apps, &s(&pair, "refresh_token")).await {
        assert_eq!(status, StatusCode::OK, "within the grace window every tab gets an answer: {body}");
        let refresh = s(&body, "refresh_token");
        successors.insert(jti(&refresh));
        accesses.push(s(&body, "access_token"));
    }
    assert_eq!(successors.len(), 1, "the session forked: {successors:?}");
    for (app, access) in apps.iter().zip(&accesses) {
        assert_eq!(app.secret_status(access).await, StatusCode::OK);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn without_a_grace_window_concurrent_refreshes_rotate_exactly_once() {
    let cluster = Cluster::start(
        3,
        &Config {
            env: vec![("AUTH_REFRESH_REUSE_GRACE", "0".into())],
            ..Default::default()
        },
    )
    .await;
    let apps = &cluster.instances;
    let pair = apps[0].register("alice").await;
    let mut winners = Vec::new();
    let mut refused = 0;
    for (status, body) in refresh_storm(apps, &s(&pair, "refresh_token")).await {
        match status {
            StatusCode::OK => winners.push(body),
            StatusCode::UNAUTHORIZED => {
                assert_eq!(body["msg"], "Token has been revoked", "{body}");
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one refresh may win: {winners:?}");
    assert_eq!(refused, 49);
    // The losers were replays: the session is revoked, the winner's new pair included.
    let new_access = s(&winners[0], "access_token");
    refused_everywhere(apps, &new_access).await;
    for app in apps {
        assert_eq!(app.secret_status(&new_access).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(apps[1].refresh(&s(&winners[0], "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn a_user_deleted_on_one_instance_cannot_use_a_token_on_another() {
    let cluster = cluster(3).await;
    let apps = &cluster.instances;
    let (a, b, c) = (&apps[0], &apps[1], &apps[2]);
    let pair = a.register("alice").await;
    let id = pair["user"]["id"].as_i64().unwrap();
    let access = s(&pair, "access_token");
    assert_eq!(a.get("/api/v1/users/me", &access).await.0, StatusCode::OK);

    let admin = s(&c.admin().await, "access_token");
    let (status, body) = c.call(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    refused_everywhere(apps, &access).await;
    for app in [a, b] {
        assert_eq!(app.secret_status(&access).await, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/api/v1/users/me", &access).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.refresh(&s(&pair, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(b.try_login("alice", PASSWORD).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn failed_logins_are_counted_across_instances() {
    let config = Config {
        login_max_failures: Some(3),
        ..Default::default()
    };
    let cluster = Cluster::start(3, &config).await;
    let [first, second, third] = &cluster.instances[..] else {
        unreachable!("three instances")
    };
    first.register("alice").await;
    for app in [first, second, third] {
        assert_eq!(app.try_login("alice", "wrong password").await.0, StatusCode::UNAUTHORIZED);
    }
    // The fourth attempt, right password, on any instance: over the shared limit.
    let (status, body) = second.try_login("alice", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}

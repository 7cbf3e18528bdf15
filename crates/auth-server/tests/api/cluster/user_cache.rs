//! The shared user cache in Redis: once instance A's lookup has cached a user, a role
//! change, a password change or a deletion made on instance B is what A sees on its very
//! next request (the write invalidates the entries; a stale one would be served for 30 s).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Config, PASSWORD, s};
use crate::processes::{Cluster, Instance};

async fn cluster() -> Cluster {
    Cluster::start(
        3,
        &Config {
            admin: true,
            ..Default::default()
        },
    )
    .await
}

fn abc(cluster: &Cluster) -> (&Instance, &Instance, &Instance) {
    let [a, b, c] = &cluster.instances[..] else {
        unreachable!("three instances")
    };
    (a, b, c)
}

/// Asserts the cache holds a live entry under `name` (so a missed invalidation would show).
async fn assert_cached(cluster: &Cluster, name: &str) {
    let redis = cluster.redis();
    let value: Option<String> = redis.query(redis::cmd("GET").arg(redis.key(name))).await.expect("Redis answers");
    let value = value.unwrap_or_else(|| panic!("{name} is not cached"));
    let user: serde_json::Value = serde_json::from_str(&value).unwrap_or_else(|_| panic!("{name} holds {value:?}"));
    assert_eq!(user["username"], "alice", "{value}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn a_role_change_on_b_is_seen_by_a_that_cached_the_user() {
    let cluster = cluster().await;
    let (a, b, _) = abc(&cluster);
    let pair = a.register("alice").await;
    let id = pair["user"]["id"].as_i64().unwrap();
    let (status, body) = a.get("/api/v1/users/me", &s(&pair, "access_token")).await;
    assert_eq!((status, body["role"].as_str()), (StatusCode::OK, Some("user")), "{body}");
    assert_cached(&cluster, &format!("ucache:id:{id}")).await;

    let admin = s(&b.admin().await, "access_token");
    let (status, body) = b
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The promotion ended her sessions; a new login on A reads the new role, and A's admin
    // check (which reads the user by id, the entry A had cached) sees it too.
    let again = a.login("alice", PASSWORD).await;
    assert_eq!(again["user"]["role"], "admin", "{again}");
    assert_eq!(a.get("/api/v1/users", &s(&again, "access_token")).await.0, StatusCode::OK);
    let (status, body) = a.get("/api/v1/users/me", &s(&again, "access_token")).await;
    assert_eq!((status, body["role"].as_str()), (StatusCode::OK, Some("admin")), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn a_password_change_on_b_is_seen_by_a_that_cached_the_user() {
    let cluster = cluster().await;
    let (a, b, _) = abc(&cluster);
    a.register("alice").await;
    a.login("alice", PASSWORD).await;
    assert_cached(&cluster, "ucache:name:alice").await;

    let fresh = s(&b.login("alice", PASSWORD).await, "access_token");
    let change = json!({"current_password": PASSWORD, "new_password": "new password 1"});
    let (status, body) = b.call(Method::PUT, "/api/v1/auth/password", Some(&fresh), Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = a.try_login("alice", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password still worked on A: {body}");
    a.login("alice", "new password 1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn a_deletion_on_c_is_seen_by_a_that_cached_the_user() {
    let cluster = cluster().await;
    let (a, b, c) = abc(&cluster);
    let pair = a.register("alice").await;
    let id = pair["user"]["id"].as_i64().unwrap();
    a.login("alice", PASSWORD).await;
    assert_cached(&cluster, "ucache:name:alice").await;
    assert_cached(&cluster, &format!("ucache:id:{id}")).await;

    let admin = s(&c.admin().await, "access_token");
    let (status, body) = c.call(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let (status, body) = a.try_login("alice", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the deleted user logged in on A: {body}");
    // The name is free again: a new alice, registered on B, is the one A knows.
    let again = b.register("alice").await;
    let new_id = again["user"]["id"].as_i64().unwrap();
    assert_ne!(new_id, id);
    let (status, body) = a
        .get("/api/v1/users/me", &s(&a.login("alice", PASSWORD).await, "access_token"))
        .await;
    assert_eq!((status, body["id"].as_i64()), (StatusCode::OK, Some(new_id)), "{body}");
}

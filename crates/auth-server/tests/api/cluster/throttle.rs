//! The login throttle across instances (issue 17): attempts reserved in Redis by one
//! script, so concurrent guesses spread over three processes still get exactly the
//! limit's worth of password checks between them.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::task::JoinSet;

use crate::helpers::{Config, PASSWORD};
use crate::processes::Cluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs TEST_BACKEND=postgres-redis"]
async fn concurrent_guesses_on_three_instances_share_one_limit() {
    let cluster = Cluster::start(
        3,
        &Config {
            login_max_failures: Some(5),
            ..Default::default()
        },
    )
    .await;
    let apps = &cluster.instances;
    apps[0].register("alice").await;
    let mut guesses = JoinSet::new();
    for i in 0..30 {
        let request = apps[i % 3]
            .req(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"username": if i % 2 == 0 { "alice" } else { "ALICE" }, "password": "wrong password"}));
        guesses.spawn(async move { request.send().await.unwrap().status() });
    }
    let statuses = guesses.join_all().await;
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, refused), (5, 25), "{statuses:?}");
    for app in apps {
        assert_eq!(app.try_login("alice", PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);
    }
}

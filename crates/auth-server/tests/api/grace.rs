//! The refresh-token reuse grace window (`--refresh-reuse-grace`): a second tab or a
//! retried request presenting the token a rotation just consumed gets the same successor
//! (rotation is idempotent, the session never forks); after the window, a repeat is theft.

use std::collections::HashSet;
use std::time::Duration;

use auth_server::settings::Settings;
use reqwest::StatusCode;

use crate::helpers::{Config, Http, PASSWORD, TestApp, s, spawn_app, spawn_with};

fn grace(setting: Duration) -> Config {
    Config {
        extra: Settings {
            refresh_reuse_grace: setting,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn jti(app: &TestApp, token: &str) -> String {
    app.claims(token)["jti"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_repeat_within_the_window_gets_the_same_successor() {
    let app = spawn_app().await;
    let first = app.register("alice").await;
    let r1 = s(&first, "refresh_token");

    let (status, second) = app.refresh(&r1).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let (status, repeat) = app.refresh(&r1).await;
    assert_eq!(status, StatusCode::OK, "a second tab within the window: {repeat}");

    let r2 = s(&second, "refresh_token");
    let r2_again = s(&repeat, "refresh_token");
    assert_eq!(jti(&app, &r2), jti(&app, &r2_again), "one successor, however many asked");
    assert_eq!(app.claims(&r2)["exp"], app.claims(&r2_again)["exp"]);
    assert_eq!(app.claims(&r2_again)["sid"], app.claims(&r1)["sid"]);
    let access = s(&repeat, "access_token");
    assert_eq!(app.secret_status(&access).await, StatusCode::OK);
    assert_eq!(app.claims(&access)["fresh"], false);

    // Either copy of the successor rotates once; the session still has one live token.
    let (status, third) = app.refresh(&r2_again).await;
    assert_eq!(status, StatusCode::OK, "{third}");
    let (status, _) = app.refresh(&r2).await;
    assert_eq!(status, StatusCode::OK, "the other copy is the consumed token, within the window");
    // An older token than the latest consumed one is theft even inside the window.
    let (status, body) = app.refresh(&r1).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Token has been revoked"))
    );
    assert_eq!(app.secret_status(&s(&third, "access_token")).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn concurrent_presentations_yield_one_successor() {
    let app = spawn_app().await;
    let token = s(&app.register("alice").await, "refresh_token");
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (http, token) = (Http::new(app.base.clone()), token.clone());
        requests.spawn(async move { http.refresh(&token).await });
    }
    let mut successors = HashSet::new();
    while let Some(answer) = requests.join_next().await {
        let (status, body) = answer.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        successors.insert(jti(&app, &s(&body, "refresh_token")));
    }
    assert_eq!(successors.len(), 1, "the session forked: {successors:?}");
    let other = s(&app.login("alice", PASSWORD).await, "access_token");
    let sessions = app.get("/api/v1/auth/sessions", &other).await.1;
    assert_eq!(sessions["sessions"].as_array().unwrap().len(), 2, "{sessions}");
}

#[tokio::test]
async fn after_the_window_a_repeat_is_theft() {
    let app = spawn_with(grace(Duration::from_secs(1))).await;
    let first = app.register("alice").await;
    let r1 = s(&first, "refresh_token");
    let (status, second) = app.refresh(&r1).await;
    assert_eq!(status, StatusCode::OK);
    let rotated_at = app.claims(&s(&second, "refresh_token"))["iat"].as_i64().unwrap();
    // The window is defined in wall-clock seconds: wait until it has passed.
    while auth_server::infra::clock::now() <= rotated_at + 1 {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = app.refresh(&r1).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Token has been revoked"))
    );
    assert_eq!(app.refresh(&s(&second, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.secret_status(&s(&second, "access_token")).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_zero_window_treats_every_repeat_as_theft() {
    let app = spawn_with(grace(Duration::ZERO)).await;
    let r1 = s(&app.register("alice").await, "refresh_token");
    let (status, second) = app.refresh(&r1).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.refresh(&r1).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.refresh(&s(&second, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
}

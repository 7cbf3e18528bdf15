//! Admin user management: `GET /api/v1/users` (cursor paging), `PATCH` and `DELETE
//! /api/v1/users/{id}`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Config, PASSWORD, s, spawn_with};

fn with_admin() -> Config {
    Config {
        admin: true,
        ..Default::default()
    }
}

#[tokio::test]
async fn users_are_listed_page_by_page() {
    let app = spawn_with(with_admin()).await;
    let mut expected = Vec::new();
    for name in ["user1", "user2", "user3", "user4", "user5"] {
        app.register(name).await;
    }
    let admin = s(&app.admin().await, "access_token");
    let (_, everyone) = app.get("/api/v1/users?limit=100", &admin).await;
    for user in everyone["users"].as_array().unwrap() {
        expected.push(user["id"].as_i64().unwrap());
    }
    assert_eq!(expected.len(), 6, "{everyone}");
    assert!(everyone["next_cursor"].is_null());

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=4&cursor={c}"),
            None => "/api/v1/users?limit=4".to_string(),
        };
        let (status, page) = app.get(&path, &admin).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        seen.extend(page["users"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(seen, expected);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "ascending ids");

    // The default page size is 20: everything fits.
    let (_, page) = app.get("/api/v1/users", &admin).await;
    assert_eq!(page["users"].as_array().unwrap().len(), 6);

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=many", "limit"),
        ("cursor=abc", "cursor"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/users?{query}"), &admin).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert!(body["errors"][field].is_array(), "{query}: {body}");
    }
}

#[tokio::test]
async fn listing_users_needs_an_admin() {
    let app = spawn_with(with_admin()).await;
    let token = s(&app.register("alice").await, "access_token");
    let (status, body) = app.get("/api/v1/users", &token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["msg"], "Admin privilege required");
}

#[tokio::test]
async fn admins_may_change_roles() {
    let app = spawn_with(with_admin()).await;
    let alice = app.register("alice").await;
    let bob = s(&app.register("bob").await, "access_token");
    let path = format!("/api/v1/users/{}", alice["user"]["id"]);
    let (status, _) = app.call(Method::PATCH, &path, Some(&bob), Some(json!({"age": 20}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let admin = s(&app.admin().await, "access_token");
    let (status, body) = app
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"role": "admin", "mobile": "+1 555 0100"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["role"].as_str(), body["mobile"].as_str()),
        (Some("admin"), Some("+1 555 0100"))
    );
    let (status, body) = app.call(Method::PATCH, &path, Some(&admin), Some(json!({"role": "emperor"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = app
        .call(Method::PATCH, "/api/v1/users/424242", Some(&admin), Some(json!({"age": 1})))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Alice's next login carries the admin claims.
    let promoted = s(&app.login("alice", PASSWORD).await, "access_token");
    let claims = app.claims(&promoted);
    assert_eq!((claims["role"].as_str(), claims["is_admin"].as_bool()), (Some("admin"), Some(true)));
    assert_eq!(app.get("/api/v1/users", &promoted).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_deleted_users_tokens_stop_at_once() {
    let app = spawn_with(with_admin()).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let alice_path = format!("/api/v1/users/{}", alice["user"]["id"]);
    let bob_path = format!("/api/v1/users/{}", bob["user"]["id"]);

    // Not an admin and not oneself.
    let (status, body) = app.call(Method::DELETE, &bob_path, Some(&s(&alice, "access_token")), None).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::FORBIDDEN, Some("Admin privilege required"))
    );
    // Oneself, but not fresh.
    let (_, refreshed) = app.refresh(&s(&alice, "refresh_token")).await;
    let stale = s(&refreshed, "access_token");
    let (status, body) = app.call(Method::DELETE, &alice_path, Some(&stale), None).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Fresh token required"))
    );

    // Oneself with a fresh token.
    let fresh = app.login("alice", PASSWORD).await;
    let (status, _) = app.call(Method::DELETE, &alice_path, Some(&s(&fresh, "access_token")), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for token in [&stale, &s(&fresh, "access_token")] {
        let (status, body) = app.get("/api/v1/users/me", token).await;
        assert_eq!(
            (status, body["msg"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("Token has been revoked"))
        );
    }
    assert_eq!(app.refresh(&s(&refreshed, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.try_login("alice", PASSWORD).await.0, StatusCode::UNAUTHORIZED);

    // An admin deletes another user.
    let admin = s(&app.admin().await, "access_token");
    let (status, _) = app.call(Method::DELETE, &bob_path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.secret_status(&s(&bob, "access_token")).await, StatusCode::UNAUTHORIZED);
    let (status, body) = app.call(Method::DELETE, &bob_path, Some(&admin), None).await;
    assert_eq!((status, body["msg"].as_str()), (StatusCode::NOT_FOUND, Some("User not found")));
    // The admin is unaffected.
    assert_eq!(app.secret_status(&admin).await, StatusCode::OK);
}

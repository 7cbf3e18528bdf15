//! Authorization from the current state: admin decisions read the stored role, and a role
//! change, a disable or an admin-set password ends the user's earlier tokens. Also the
//! admin's hold on other accounts (`/users/{id}/password`, `/users/{id}/sessions`, search).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Config, PASSWORD, TestApp, s, spawn_with};

fn with_admin() -> Config {
    Config {
        admin: true,
        ..Default::default()
    }
}

async fn patch(app: &TestApp, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    app.call(Method::PATCH, &format!("/api/v1/users/{id}"), Some(token), Some(body))
        .await
}

fn id_of(pair: &Value) -> i64 {
    pair["user"]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_demoted_admin_s_old_token_lists_nothing_and_cannot_re_promote_itself() {
    let app = spawn_with(with_admin()).await;
    let root = s(&app.admin().await, "access_token");
    let carol = app.register("carol").await;
    let carol_id = id_of(&carol);
    assert_eq!(patch(&app, &root, carol_id, json!({"role": "admin"})).await.0, StatusCode::OK);
    // Promotion ended carol's sessions; she logs in again as an admin.
    assert_eq!(app.secret_status(&s(&carol, "access_token")).await, StatusCode::UNAUTHORIZED);
    let carol_admin = app.login("carol", PASSWORD).await;
    let carol_token = s(&carol_admin, "access_token");
    assert_eq!(app.claims(&carol_token)["role"], "admin");
    assert_eq!(app.get("/api/v1/users", &carol_token).await.0, StatusCode::OK);

    let (status, body) = patch(&app, &root, carol_id, json!({"role": "user"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["role"], "user");
    // Her unexpired token still says admin, but neither lists users nor re-promotes.
    for (method, path, body) in [
        (Method::GET, "/api/v1/users".to_string(), None),
        (Method::PATCH, format!("/api/v1/users/{carol_id}"), Some(json!({"role": "admin"}))),
        (Method::PATCH, "/api/v1/users/me".to_string(), Some(json!({"role": "admin"}))),
    ] {
        let (status, answer) = app.call(method, &path, Some(&carol_token), body).await;
        assert!(
            matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
            "{path}: {status} {answer}"
        );
    }
    assert_eq!(app.refresh(&s(&carol_admin, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    let (_, carol_now) = app.get(&format!("/api/v1/users/{carol_id}"), &root).await;
    assert_eq!(carol_now["role"], "user");
}

#[tokio::test]
async fn the_stored_role_decides_even_while_the_token_is_valid() {
    let app = spawn_with(with_admin()).await;
    let root = app.admin().await;
    let root_id = id_of(&root);
    let dave = app.register("dave").await;
    let dave_token = s(&dave, "access_token");
    // An ordinary user is refused whatever it asks for; the library's policy answers first,
    // with RFC 6750's challenge and the contract's body.
    let refused = app.req(Method::GET, "/api/v1/users", Some(&dave_token)).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(refused.headers()["www-authenticate"], "Bearer error=\"insufficient_scope\"");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        (body["msg"].as_str(), body["error"].as_str()),
        (Some("Admin privilege required"), Some("forbidden"))
    );
    let (status, _) = patch(&app, &dave_token, id_of(&dave), json!({"role": "admin"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An admin cannot take its own role away or disable itself.
    let root_token = s(&root, "access_token");
    for body in [json!({"role": "user"}), json!({"disabled": true})] {
        let (status, answer) = patch(&app, &root_token, root_id, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert!(answer["msg"].is_string());
    }
}

#[tokio::test]
async fn a_disabled_account_is_shut_out_until_enabled() {
    let app = spawn_with(with_admin()).await;
    let root = s(&app.admin().await, "access_token");
    let erin = app.register("erin").await;
    let erin_id = id_of(&erin);
    let (status, body) = patch(&app, &root, erin_id, json!({"disabled": true})).await;
    assert_eq!((status, body["disabled"].as_bool()), (StatusCode::OK, Some(true)), "{body}");

    assert_eq!(app.secret_status(&s(&erin, "access_token")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.refresh(&s(&erin, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    let (status, body) = app.try_login("erin", PASSWORD).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("account_disabled")),
        "{body}"
    );
    // A wrong password still gets the ordinary answer: nothing is revealed without it.
    let (status, body) = app.try_login("erin", "not her password").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
    );

    assert_eq!(patch(&app, &root, erin_id, json!({"disabled": false})).await.0, StatusCode::OK);
    let again = app.login("erin", PASSWORD).await;
    assert_eq!(app.secret_status(&s(&again, "access_token")).await, StatusCode::OK);
}

#[tokio::test]
async fn an_admin_sets_a_password_and_every_session_of_the_user_ends() {
    let app = spawn_with(with_admin()).await;
    let root = s(&app.admin().await, "access_token");
    let frank = app.register("frank").await;
    let frank_id = id_of(&frank);
    let second = app.login("frank", PASSWORD).await;
    let path = format!("/api/v1/users/{frank_id}/password");

    let (status, body) = app
        .call(Method::PUT, &path, Some(&root), Some(json!({"new_password": "short"})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let plain = s(&second, "access_token");
    let (status, _) = app
        .call(
            Method::PUT,
            &path,
            Some(&plain),
            Some(json!({"new_password": "another passphrase"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, body) = app
        .call(Method::PUT, &path, Some(&root), Some(json!({"new_password": "another passphrase"})))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    for pair in [&frank, &second] {
        assert_eq!(app.secret_status(&s(pair, "access_token")).await, StatusCode::UNAUTHORIZED);
        assert_eq!(app.refresh(&s(pair, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.try_login("frank", PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    app.login("frank", "another passphrase").await;
}

#[tokio::test]
async fn an_admin_sees_and_ends_another_user_s_sessions() {
    let app = spawn_with(with_admin()).await;
    let root = s(&app.admin().await, "access_token");
    let grace = app.register("grace").await;
    let grace_id = id_of(&grace);
    let laptop = app.login("grace", PASSWORD).await;
    let path = format!("/api/v1/users/{grace_id}/sessions");

    let (status, list) = app.get(&path, &root).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(sessions.iter().all(|s| s["current"] == false && s["persistent"] == false));
    assert_eq!(app.get(&path, &s(&laptop, "access_token")).await.0, StatusCode::FORBIDDEN);

    let laptop_sid = app.claims(&s(&laptop, "access_token"))["sid"].as_str().unwrap().to_string();
    let one = format!("{path}/{laptop_sid}");
    assert_eq!(app.call(Method::DELETE, &one, Some(&root), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.call(Method::DELETE, &one, Some(&root), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.secret_status(&s(&laptop, "access_token")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.secret_status(&s(&grace, "access_token")).await, StatusCode::OK);

    let (status, body) = app.call(Method::DELETE, &path, Some(&root), None).await;
    assert_eq!((status, body["revoked"].as_u64()), (StatusCode::OK, Some(1)), "{body}");
    assert_eq!(app.secret_status(&s(&grace, "access_token")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/users/999999/sessions", &root).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn users_are_searched_by_name_ignoring_case() {
    let app = spawn_with(with_admin()).await;
    let root = s(&app.admin().await, "access_token");
    for name in ["Heidi", "heinrich", "ivan", "a_b", "axb"] {
        app.register(name).await;
    }
    let names = |page: &Value| -> Vec<String> { page["users"].as_array().unwrap().iter().map(|u| s(u, "username")).collect() };
    let (status, page) = app.get("/api/v1/users?q=HEI", &root).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(names(&page), ["Heidi", "heinrich"]);
    // `_` and `%` are literal, not wildcards.
    assert_eq!(names(&app.get("/api/v1/users?q=a_", &root).await.1), ["a_b"]);
    assert_eq!(names(&app.get("/api/v1/users?q=%25", &root).await.1), Vec::<String>::new());
    let (status, page) = app.get("/api/v1/users?q=e&limit=1", &root).await;
    assert_eq!(names(&page), ["Heidi"], "{status} {page}");
    let cursor = s(&page, "next_cursor");
    let (_, next) = app.get(&format!("/api/v1/users?q=e&limit=1&cursor={cursor}"), &root).await;
    assert_eq!(names(&next), ["heinrich"]);
    let long = "x".repeat(65);
    assert_eq!(app.get(&format!("/api/v1/users?q={long}"), &root).await.0, StatusCode::BAD_REQUEST);
}

/// `auth_audit_events_total{event}` as `/metrics` shows it now (the recorder is shared by
/// every test of this process, so callers compare before and after and expect growth).
async fn audit_count(app: &TestApp, event: &str) -> f64 {
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let sample = format!("auth_audit_events_total{{event=\"{event}\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&sample))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

#[tokio::test]
async fn every_admin_action_on_an_account_is_audited() {
    let app = spawn_with(with_admin()).await;
    let root = s(&app.admin().await, "access_token");
    let ivy = id_of(&app.register("ivy").await);
    let steps: [(&str, Method, String, Option<Value>); 6] = [
        (
            "user_promoted",
            Method::PATCH,
            format!("/api/v1/users/{ivy}"),
            Some(json!({"role": "admin"})),
        ),
        (
            "user_demoted",
            Method::PATCH,
            format!("/api/v1/users/{ivy}"),
            Some(json!({"role": "user"})),
        ),
        (
            "user_disabled",
            Method::PATCH,
            format!("/api/v1/users/{ivy}"),
            Some(json!({"disabled": true})),
        ),
        (
            "user_enabled",
            Method::PATCH,
            format!("/api/v1/users/{ivy}"),
            Some(json!({"disabled": false})),
        ),
        (
            "password_set",
            Method::PUT,
            format!("/api/v1/users/{ivy}/password"),
            Some(json!({"new_password": "a new passphrase"})),
        ),
        ("user_deleted", Method::DELETE, format!("/api/v1/users/{ivy}"), None),
    ];
    for (event, method, path, body) in steps {
        let before = audit_count(&app, event).await;
        let (status, answer) = app.call(method, &path, Some(&root), body).await;
        assert!(status.is_success(), "{event}: {status} {answer}");
        assert!(audit_count(&app, event).await > before, "{event} was not audited");
    }
}

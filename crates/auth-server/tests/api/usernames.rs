//! One name, one account (issue 17): usernames are compared by their RFC 8265
//! UsernameCaseMapped key, so `VICKY` or `ｖｉｃｋｙ` cannot become an account beside
//! `vicky`, and log into `vicky`'s; accounts from before the key existed get it at start-up,
//! and a collision among them keeps both accounts.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Config, DataDir, PASSWORD, spawn_app, spawn_in};

#[tokio::test]
async fn a_name_differing_only_in_case_or_width_is_taken() {
    let app = spawn_app().await;
    let vicky = app.register("vicky").await;
    for spelling in ["VICKY", "Vicky"] {
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({"username": spelling, "password": "another password"})),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{spelling}: {body}");
    }
    // Every spelling logs into the one account, which keeps its own spelling.
    for spelling in ["VICKY", "ｖｉｃｋｙ", "Ｖicky"] {
        let body = app.login(spelling, PASSWORD).await;
        assert_eq!(body["user"]["id"], vicky["user"]["id"], "{spelling}");
        assert_eq!(body["user"]["username"], "vicky");
    }
}

/// Runs `sql` (with `$1`, `$2` text parameters) on the test's database, whichever it is.
async fn execute(dir: &DataDir, sql: &str, params: [&str; 2]) {
    match dir.database_url() {
        Some(url) => {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query(sql).bind(params[0]).bind(params[1]).execute(&pool).await.unwrap();
            pool.close().await;
        }
        None => {
            let path = dir.backing().dir.path().join("auth.db");
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
            sqlx::query(sql).bind(params[0]).bind(params[1]).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

/// How many users the database holds.
async fn user_count(dir: &DataDir) -> i64 {
    let sql = "SELECT COUNT(*) FROM users";
    match dir.database_url() {
        Some(url) => {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
        }
        None => {
            let path = dir.backing().dir.path().join("auth.db");
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
        }
    }
}

#[tokio::test]
async fn accounts_from_before_the_key_get_it_and_collisions_keep_both() {
    let app = spawn_app().await;
    app.register("vicky").await;
    let other_password = "olgas own password";
    let hash = app.state.hasher.hash(other_password.into()).await.unwrap();
    let dir = app.stop().await;
    // Rows as an older server wrote them: no canonical key.
    let legacy = "INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES ($1, $2, 'user', 0, 0)";
    execute(&dir, legacy, ["Olga", &hash]).await;
    execute(&dir, legacy, ["VICKY", &hash]).await;

    let app = spawn_in(dir.clone(), Config::default()).await;
    // The key was filled in at start-up: any spelling finds Olga.
    app.login("olga", other_password).await;
    app.login("ＯＬＧＡ", other_password).await;
    // `VICKY` collides with the older `vicky`: the name means vicky's account, and the
    // newer account is kept (reported in the log) but cannot be logged into by it.
    let (status, _) = app.try_login("VICKY", other_password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.login("VICKY", PASSWORD).await;
    assert_eq!(user_count(&dir).await, 3, "no account was lost");
}

//! One name, one account (issue 17): usernames are compared by their RFC 8265
//! UsernameCaseMapped key, so `VICKY` or `ｖｉｃｋｙ` cannot become an account beside
//! `vicky`, and log into `vicky`'s; accounts from before the key existed get it at start-up,
//! and a collision among them keeps both accounts.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Config, DataDir, PASSWORD, spawn_app};
use crate::processes::Server;

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

/// The number `sql` (one `$1` text parameter) selects from the test's database.
async fn scalar(dir: &DataDir, sql: &str, param: &str) -> i64 {
    match dir.database_url() {
        Some(url) => {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query_scalar(sql).bind(param).fetch_one(&pool).await.unwrap()
        }
        None => {
            let path = dir.backing().dir.path().join("auth.db");
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
            sqlx::query_scalar(sql).bind(param).fetch_one(&pool).await.unwrap()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_from_before_the_key_get_it_and_collisions_keep_both() {
    let mut server = Server::start(Config::default()).await;
    let vicky = server.register("vicky").await["user"]["id"].as_i64().unwrap();
    let other_password = "olgas own password";
    let hash = auth_server::infra::password::PasswordHasher::new(1, 1, 1)
        .hash(other_password.into())
        .await
        .unwrap();
    server.instance.kill();
    // Rows as an older server wrote them: no canonical key.
    let dir = server.data_dir().clone();
    let legacy = "INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES ($1, $2, 'user', 0, 0)";
    execute(&dir, legacy, ["Olga", &hash]).await;
    execute(&dir, legacy, ["VICKY", &hash]).await;
    let newer = scalar(&dir, "SELECT id FROM users WHERE username = $1", "VICKY").await;

    server.restart().await;
    // The key was filled in at start-up: any spelling finds Olga.
    server.login("olga", other_password).await;
    server.login("ＯＬＧＡ", other_password).await;
    // `VICKY` collides with the older `vicky`: the name means vicky's account, and the
    // newer account is kept but cannot be logged into by it.
    let (status, _) = server.try_login("VICKY", other_password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(server.login("VICKY", PASSWORD).await["user"]["id"], vicky);
    let users = scalar(&dir, "SELECT COUNT(*) FROM users WHERE username <> $1", "").await;
    assert_eq!(users, 3, "no account was lost");
    // The collision is reported, naming both accounts.
    let logs = server.logs();
    let report = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["fields"]["colliding_with"].is_i64())
        .unwrap_or_else(|| panic!("no collision report in {logs}"));
    assert_eq!(report["level"], "WARN", "{report}");
    assert_eq!(report["fields"]["user_id"], newer, "{report}");
    assert_eq!(report["fields"]["colliding_with"], vicky, "{report}");
}

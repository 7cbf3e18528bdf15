//! Starting the real server for a test: `Application::build` on `127.0.0.1:0` with a
//! temporary data directory and the binary's backend (see `backend.rs`), served in a
//! Tokio task until the test stops it (gracefully) or drops it, plus small request helpers.

use std::sync::Arc;

use auth_server::Application;
use auth_server::settings::{Secret, Settings};
use auth_server::state::AppState;
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

use crate::backend::Backing;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const PASSWORD: &str = "correct horse battery";
pub const ADMIN: &str = "root";
pub const ADMIN_PASSWORD: &str = "admin password 1234";

/// Knobs a test may turn.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Create the start-up admin `root`.
    pub admin: bool,
    /// Failed logins allowed per key.
    pub login_max_failures: Option<u32>,
    /// Use this database URL instead of the test database's (fault tests put a proxy
    /// in front of it).
    pub database_url: Option<String>,
    /// Use this Redis instead of the test Redis (fault tests start their own).
    pub redis_url: Option<String>,
    /// `RUST_LOG` of server processes (`processes.rs`; default `info`).
    pub log_filter: Option<String>,
    /// Any other settings (algorithm, keys, issuer, proxies, CORS...); the fields above and
    /// the test's address, data directory, database and Redis replace theirs.
    pub extra: Settings,
    /// More environment variables of server processes (`processes.rs`).
    pub env: Vec<(&'static str, String)>,
}

/// Requests to one server (in this process or another) by its base URL.
pub struct Http {
    pub base: String,
    pub client: Client,
}

/// A running server (its request helpers through [`Http`]).
pub struct TestApp {
    http: Http,
    pub state: AppState,
    backing: Option<DataDir>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// A test's data directory with its database and Redis prefix, shared by the servers
/// started on it and cleaned up when the last of them is gone.
#[derive(Clone)]
pub struct DataDir(Arc<Backing>);

impl DataDir {
    /// A fresh one on the binary's backend.
    pub async fn new() -> Self {
        DataDir(Arc::new(Backing::new(crate::backend::Backend::selected()).await))
    }

    /// The URL of the test database (PostgreSQL backends).
    #[allow(dead_code)]
    pub fn database_url(&self) -> Option<String> {
        self.0.database.as_ref().map(|db| db.url.clone())
    }

    /// The directory, database and Redis prefix (to configure servers in other processes).
    #[allow(dead_code)]
    pub fn backing(&self) -> &Backing {
        &self.0
    }
}

/// A server on a new temporary data directory.
pub async fn spawn_app() -> TestApp {
    spawn_with(Config::default()).await
}

/// A server on a new temporary data directory, configured.
pub async fn spawn_with(config: Config) -> TestApp {
    spawn_in(DataDir::new().await, config).await
}

fn settings(dir: &DataDir, config: &Config) -> Settings {
    let backing = &dir.0;
    let extra = config.extra.clone();
    Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: backing.dir.path().to_path_buf(),
        database_url: config
            .database_url
            .clone()
            .or_else(|| backing.database.as_ref().map(|db| db.url.clone()))
            .map(Into::into),
        redis_url: config
            .redis_url
            .clone()
            .or_else(|| backing.redis.as_ref().map(|r| r.url.clone()))
            .map(Into::into),
        redis_key_prefix: backing.redis.as_ref().map_or(extra.redis_key_prefix.clone(), |r| r.prefix.clone()),
        admin_username: config.admin.then(|| ADMIN.to_string()),
        admin_password: config.admin.then(|| Secret::from(ADMIN_PASSWORD)),
        login_max_failures: config.login_max_failures.unwrap_or(extra.login_max_failures),
        ..extra
    }
}

/// A server on an existing data directory (restarts, or several instances sharing it).
pub async fn spawn_in(dir: DataDir, config: Config) -> TestApp {
    let app = Application::build(settings(&dir, &config)).await.expect("application builds");
    let state = app.state().clone();
    let addr = app.local_addr();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    TestApp {
        http: Http::new(format!("http://{addr}")),
        state,
        backing: Some(dir),
        shutdown: Some(tx),
        server: Some(server),
    }
}

/// The status and JSON body of a response (`Value::Null` for an empty or non-JSON body).
pub async fn json_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("response body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// `body["key"]` as a string.
pub fn s(body: &Value, key: &str) -> String {
    body[key].as_str().unwrap_or_else(|| panic!("{key} missing in {body}")).to_string()
}

impl Http {
    /// Requests to `base` (`http://host:port`), redirects not followed.
    pub fn new(base: String) -> Self {
        Http {
            base,
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent("api-tests/1.0")
                .build()
                .unwrap(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request, with a bearer token when given.
    pub fn req(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(t) => builder.bearer_auth(t),
            None => builder,
        }
    }

    /// Sends and returns status and JSON body.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let mut builder = self.req(method, path, token);
        if let Some(body) = body {
            builder = builder.json(&body);
        }
        json_of(builder.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Registers `username` with [`PASSWORD`]; returns the token pair response.
    pub async fn register(&self, username: &str) -> Value {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({ "username": username, "password": PASSWORD })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// Logs in; returns the token pair response.
    pub async fn login(&self, username: &str, password: &str) -> Value {
        let (status, body) = self.try_login(username, password).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn try_login(&self, username: &str, password: &str) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "username": username, "password": password })),
        )
        .await
    }

    /// The admin's token pair (needs `Config { admin: true }`).
    pub async fn admin(&self) -> Value {
        self.login(ADMIN, ADMIN_PASSWORD).await
    }

    /// Refreshes with a refresh token in the Authorization header.
    pub async fn refresh(&self, refresh_token: &str) -> (StatusCode, Value) {
        self.call(Method::POST, "/api/v1/auth/refresh", Some(refresh_token), None).await
    }

    /// Status of `GET /api/v1/secret` with `token`.
    pub async fn secret_status(&self, token: &str) -> StatusCode {
        self.get("/api/v1/secret", token).await.0
    }
}

impl std::ops::Deref for TestApp {
    type Target = Http;

    fn deref(&self) -> &Http {
        &self.http
    }
}

impl TestApp {
    /// The verified claims of one of this server's tokens.
    pub fn claims(&self, token: &str) -> serde_json::Map<String, Value> {
        self.state.jwt.decode_token(token).expect("a valid token").claims.into_map()
    }

    /// The data directory (with database and Redis prefix) this server runs on, to start
    /// more instances on it (the cluster tests).
    #[allow(dead_code)]
    pub fn data_dir(&self) -> DataDir {
        self.backing.clone().expect("data directory")
    }

    /// Stops the server gracefully and hands back its data directory.
    pub async fn stop(mut self) -> DataDir {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server stopped cleanly");
        }
        self.backing.take().expect("data directory")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(server) = &self.server {
            server.abort();
        }
    }
}

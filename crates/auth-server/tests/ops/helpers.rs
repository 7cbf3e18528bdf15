//! A tiny harness: the real `Application` on `127.0.0.1:0` with a temporary data
//! directory, served until the test stops it, plus request helpers.

use std::path::Path;

use auth_server::Application;
use auth_server::settings::Settings;
use reqwest::Client;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const PASSWORD: &str = "correct horse battery";

/// A running server.
pub struct TestServer {
    pub base: String,
    pub client: Client,
    _dir: TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Settings for a server on port 0 in `dir`, adjusted by `tweak`.
pub fn settings(dir: &Path, tweak: impl FnOnce(&mut Settings)) -> Settings {
    let mut settings = Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.to_path_buf(),
        ..Settings::default()
    };
    tweak(&mut settings);
    settings
}

/// A server with the default settings.
pub async fn spawn() -> TestServer {
    spawn_with(|_| {}).await
}

/// A server with adjusted settings.
pub async fn spawn_with(tweak: impl FnOnce(&mut Settings)) -> TestServer {
    let dir = tempfile::tempdir().expect("temporary directory");
    let app = Application::build(settings(dir.path(), tweak)).await.expect("application builds");
    let base = format!("http://{}", app.local_addr());
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    TestServer {
        base,
        client: client(),
        _dir: dir,
        shutdown: Some(tx),
        server: Some(server),
    }
}

/// A client that does not follow redirects.
pub fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Registers `username` and returns the token pair response.
    pub async fn register(&self, username: &str) -> Value {
        let response = self
            .client
            .post(self.url("/api/v1/auth/register"))
            .json(&json!({ "username": username, "password": PASSWORD }))
            .send()
            .await
            .expect("register request");
        assert_eq!(response.status(), 201, "registering {username}");
        response.json().await.expect("token pair")
    }

    /// The current value of one Prometheus sample (0 when absent).
    pub async fn metric(&self, sample: &str) -> f64 {
        let text = self.client.get(self.url("/metrics")).send().await.unwrap().text().await.unwrap();
        sample_value(&text, sample)
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server ran");
        }
    }
}

/// The value of the sample line starting with `sample` (name and labels) in `text`.
pub fn sample_value(text: &str, sample: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(sample).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or(0.0)
}

/// Serves `routes` inside the server's middleware with `settings` on a free port until the
/// returned sender is used: the address and the server task.
pub async fn serve_routes(
    routes: axum::Router,
    settings: &Settings,
) -> (std::net::SocketAddr, oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>) {
    let router = auth_server::app::with_middleware(routes, settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let settings = settings.clone();
    let server = tokio::spawn(async move {
        auth_server::app::run(listener, router, &settings, async {
            let _ = stopped.await;
        })
        .await
    });
    (addr, stop, server)
}

/// POSTs `body` with `Transfer-Encoding: chunked` and returns the status and body.
pub async fn raw_chunked_post(base: &str, path: &str, body: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    for chunk in body.as_bytes().chunks(256) {
        request.push_str(&format!("{:x}\r\n{}\r\n", chunk.len(), std::str::from_utf8(chunk).unwrap()));
    }
    request.push_str("0\r\n\r\n");
    // The server may answer and close before reading everything; that is fine.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, dechunk(&body))
}

/// The payload of a chunked response body (or the body itself when not chunked).
fn dechunk(body: &str) -> String {
    if body.trim_start().starts_with('{') {
        return body.to_string();
    }
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else { break };
        if size == 0 || tail.len() < size {
            break;
        }
        out.push_str(&tail[..size]);
        rest = tail[size..].trim_start_matches("\r\n");
    }
    out
}

//! The library's `resource_server` example verifying this server's ES256 tokens through
//! `/.well-known/jwks.json`, both as real processes: the proof that a service which only
//! verifies can sit behind auth-server.
//!
//! The example is another package's binary, which cargo does not build for this test, so
//! the test is ignored unless asked for:
//!
//! ```text
//! cargo build -p jwt-extended --example resource_server
//! cargo test -p auth-server --test resource_server -- --ignored
//! ```
//!
//! `RESOURCE_SERVER_BIN` overrides where the example binary is looked for (by default
//! `examples/resource_server` beside this package's `auth-server` binary).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

const ADMIN: &str = "root";
const ADMIN_PASSWORD: &str = "an admin password that is long enough";
const STARTUP: Duration = Duration::from_secs(30);

/// A child process killed when the test ends, however it ends.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn example_binary() -> PathBuf {
    std::env::var_os("RESOURCE_SERVER_BIN").map_or_else(
        || {
            PathBuf::from(env!("CARGO_BIN_EXE_auth-server"))
                .with_file_name("examples")
                .join("resource_server")
        },
        PathBuf::from,
    )
}

/// Polls `url` until it answers at all (any status), failing after [`STARTUP`] or when
/// `process` exits first.
async fn wait_until_up(process: &mut Process, url: &str) {
    let started = Instant::now();
    while reqwest::get(url).await.is_err() {
        assert!(
            process.0.try_wait().unwrap().is_none(),
            "{url}: the process exited before answering"
        );
        assert!(started.elapsed() < STARTUP, "{url} did not answer within {STARTUP:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// auth-server signing with a fresh ES256 key in `dir`, with an admin account.
async fn start_auth_server(dir: &std::path::Path) -> (Process, String) {
    let key = dir.join("es256.pem");
    let generated = Command::new(env!("CARGO_BIN_EXE_auth-server"))
        .args(["gen-key", "--alg", "ES256", "--out"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "gen-key: {}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let base = format!("http://127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_auth-server"))
        .arg("serve")
        .env_clear()
        .env("AUTH_BIND", base.trim_start_matches("http://"))
        .env("AUTH_DATA_DIR", dir)
        .env("AUTH_ALGORITHM", "ES256")
        .env("AUTH_SIGNING_KEY_FILE", &key)
        .env("AUTH_ADMIN_USERNAME", ADMIN)
        .env("AUTH_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut process = Process(child);
    wait_until_up(&mut process, &format!("{base}/readyz")).await;
    (process, base)
}

async fn access_token(client: &reqwest::Client, base: &str, path: &str, username: &str, password: &str) -> String {
    let response = client
        .post(format!("{base}/api/v1/auth/{path}"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{path} {username}: {}", response.status());
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
#[ignore = "needs `cargo build -p jwt-extended --example resource_server` first; run with --ignored"]
async fn the_resource_server_example_verifies_auth_server_es256_tokens_via_jwks() {
    let dir = tempfile::tempdir().unwrap();
    let (_auth, base) = start_auth_server(dir.path()).await;
    let binary = example_binary();
    assert!(
        binary.exists(),
        "{} is missing: cargo build -p jwt-extended --example resource_server",
        binary.display()
    );
    let api = format!("http://127.0.0.1:{}", free_port());
    let port = api.rsplit(':').next().unwrap().to_string();
    let child = Command::new(&binary)
        .args(["--jwks-url", &format!("{base}/.well-known/jwks.json"), "--port", &port])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut example = Process(child);
    wait_until_up(&mut example, &format!("{api}/protected")).await;

    let client = reqwest::Client::new();
    let user = access_token(&client, &base, "register", "alice", "correct horse battery staple").await;
    let admin = access_token(&client, &base, "login", ADMIN, ADMIN_PASSWORD).await;
    let call = |path: &'static str, token: Option<String>| {
        let mut request = client.get(format!("{api}{path}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };

    let (status, body) = call("/protected", Some(user.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["sub"].is_string(), "{body}");
    assert_eq!(call("/admin", Some(user.clone())).await.0, StatusCode::FORBIDDEN);
    assert_eq!(call("/admin", Some(admin)).await.0, StatusCode::OK);
    assert_eq!(call("/protected", None).await.0, StatusCode::UNAUTHORIZED);
    // One changed signature character and the token is no longer auth-server's.
    let mut forged = user.into_bytes();
    let last = forged.len() - 2;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let (status, body) = call("/protected", Some(String::from_utf8(forged).unwrap())).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Signature verification failed"))
    );
}

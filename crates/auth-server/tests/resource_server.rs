//! The library's `resource_server` example verifying this server's ES256 tokens through
//! `/.well-known/jwks.json`, both as real processes: the proof that a service which only
//! verifies can sit behind auth-server, and follows it through a key rotation.
//!
//! The example is another package's binary (with that package's `remote-jwks` feature),
//! which cargo does not build for this test, so the test is ignored unless asked for:
//!
//! ```text
//! cargo build -p jwt-extended --features remote-jwks --example resource_server
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

/// A new ES256 key pair in `dir`: the private key's path (its public key is beside it,
/// `NAME.pub.pem`).
fn generate_key(dir: &std::path::Path, name: &str) -> PathBuf {
    let key = dir.join(format!("{name}.pem"));
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
    key
}

/// auth-server on `base` with its data in `dir`, signing with `key` (ES256) and still
/// accepting `old_public` keys, with an admin account.
async fn start_auth_server(dir: &std::path::Path, base: &str, key: &std::path::Path, old_public: &[PathBuf]) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auth-server"));
    command
        .arg("serve")
        .env_clear()
        .env("AUTH_BIND", base.trim_start_matches("http://"))
        .env("AUTH_DATA_DIR", dir)
        .env("AUTH_ALGORITHM", "ES256")
        .env("AUTH_SIGNING_KEY_FILE", key)
        .env("AUTH_ADMIN_USERNAME", ADMIN)
        .env("AUTH_ADMIN_PASSWORD", ADMIN_PASSWORD);
    if !old_public.is_empty() {
        command.env("AUTH_VERIFICATION_KEY_FILES", std::env::join_paths(old_public).unwrap());
    }
    let child = command.stdin(Stdio::null()).stdout(Stdio::null()).spawn().unwrap();
    let mut process = Process(child);
    wait_until_up(&mut process, &format!("{base}/readyz")).await;
    process
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
#[ignore = "needs `cargo build -p jwt-extended --features remote-jwks --example resource_server` first; run with --ignored"]
async fn the_resource_server_example_verifies_auth_server_es256_tokens_via_jwks() {
    let dir = tempfile::tempdir().unwrap();
    let first_key = generate_key(dir.path(), "first");
    let base = format!("http://127.0.0.1:{}", free_port());
    let auth = start_auth_server(dir.path(), &base, &first_key, &[]).await;
    let binary = example_binary();
    assert!(
        binary.exists(),
        "{} is missing: cargo build -p jwt-extended --features remote-jwks --example resource_server",
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
    let mut forged = user.clone().into_bytes();
    let last = forged.len() - 2;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let (status, body) = call("/protected", Some(String::from_utf8(forged).unwrap())).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Signature verification failed"))
    );

    // Key rotation: auth-server comes back signing with a new key (a new kid) and still
    // publishing the old one. The example, never restarted, fetches the key set again for
    // the unknown kid and accepts tokens of both keys.
    drop(auth);
    let second_key = generate_key(dir.path(), "second");
    let _auth = start_auth_server(dir.path(), &base, &second_key, &[dir.path().join("first.pub.pem")]).await;
    let rotated = access_token(&client, &base, "login", "alice", "correct horse battery staple").await;
    let (status, body) = call("/protected", Some(rotated)).await;
    assert_eq!(status, StatusCode::OK, "a token of the new key: {body}");
    let (status, body) = call("/protected", Some(user)).await;
    assert_eq!(status, StatusCode::OK, "a token of the old key: {body}");
}

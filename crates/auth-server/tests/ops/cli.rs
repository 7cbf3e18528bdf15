//! The command line, run as the real binary: `gen-key`, `create-admin` and `decode`
//! against the same data directory a server uses.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use auth_server::Application;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, client, settings};

fn auth_server(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_auth-server"))
        .args(args)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn gen_key_writes_private_files_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("hs.key");
    let out = auth_server(&["gen-key", "--alg", "HS512", "--out", secret.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read_to_string(&secret).unwrap().len() >= 64);
    assert_private(&secret);

    let private = dir.path().join("es.pem");
    let out = auth_server(&["gen-key", "--alg", "ES256", "--out", private.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        std::fs::read_to_string(&private)
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
    let public = std::fs::read_to_string(dir.path().join("es.pub.pem")).unwrap();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_private(&private);

    let before = std::fs::read(&private).unwrap();
    let again = auth_server(&["gen-key", "--alg", "ES256", "--out", private.to_str().unwrap()], "");
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(std::fs::read(&private).unwrap(), before, "the existing key is kept");

    let unknown = auth_server(&["gen-key", "--alg", "XS999", "--out", "x"], "");
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("unknown algorithm"));
}

fn assert_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(path).unwrap().permissions().mode() & 0o777,
            0o600,
            "{}",
            path.display()
        );
    }
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin_and_the_admin_can_log_in() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let admin_password = "a long admin password";

    let short = auth_server(&["create-admin", "--username", "boss", "--data-dir", data_dir], "short\n");
    assert_eq!(short.status.code(), Some(1));
    assert!(text(&short.stderr).contains("password"));

    let out = auth_server(
        &["create-admin", "--username", "boss", "--data-dir", data_dir],
        &format!("{admin_password}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(printed.contains("boss"));
    assert!(!printed.contains(admin_password), "the password was printed: {printed}");

    let (base, stop, server) = serve_on(dir.path(), |_| {}).await;
    let login = client()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": "boss", "password": admin_password }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let body: Value = login.json().await.unwrap();
    assert_eq!(body["user"]["role"], "admin");
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn decode_verifies_with_the_configured_keys_and_reports_revocation() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let (base, stop, server) = serve_on(dir.path(), |_| {}).await;
    let http = client();
    let pair: Value = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({ "username": "dora", "password": PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = pair["access_token"].as_str().unwrap();

    let out = auth_server(&["decode", "--data-dir", data_dir, access], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let decoded: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(decoded["claims"]["username"], "dora");
    assert_eq!(decoded["claims"]["type"], "access");
    assert_eq!(decoded["header"]["alg"], "HS256");
    assert_eq!(decoded["revoked"], false);

    let from_stdin = auth_server(&["decode", "--data-dir", data_dir, "-"], access);
    assert!(from_stdin.status.success(), "{}", text(&from_stdin.stderr));

    let mut tampered = access.to_string();
    tampered.push('A');
    let bad = auth_server(&["decode", "--data-dir", data_dir, &tampered], "");
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("invalid token"), "{}", text(&bad.stderr));

    let other_dir = tempfile::tempdir().unwrap();
    let foreign = auth_server(&["decode", "--data-dir", other_dir.path().to_str().unwrap(), access], "");
    assert_eq!(foreign.status.code(), Some(1), "another data dir has another key");

    let logout = http
        .post(format!("{base}/api/v1/auth/logout"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 200);
    let revoked = auth_server(&["decode", "--data-dir", data_dir, access], "");
    assert_eq!(revoked.status.code(), Some(1));
    let decoded: Value = serde_json::from_slice(&revoked.stdout).unwrap();
    assert_eq!(decoded["revoked"], true);
    assert!(text(&revoked.stderr).contains("Token has been revoked"));

    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

/// Serves on `dir` until the returned sender is used; the base URL and the server task.
async fn serve_on(
    dir: &Path,
    tweak: impl FnOnce(&mut auth_server::settings::Settings),
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let app = Application::build(settings(dir, tweak)).await.unwrap();
    let base = format!("http://{}", app.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    (base, stop, server)
}

#[tokio::test]
async fn an_existing_account_becomes_admin_only_when_promoted_and_loses_its_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let http = client();
    let (base, stop, server) = serve_on(dir.path(), |_| {}).await;
    let pair: Value = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({ "username": "erin", "password": PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let _ = stop.send(());
    server.await.unwrap().unwrap();

    // The start-up admin never takes over an existing ordinary account.
    let refused = Application::build(settings(dir.path(), |a| {
        a.admin_username = Some("erin".into());
        a.admin_password = Some("a long admin password".into());
    }))
    .await;
    let message = format!("{:#}", refused.err().expect("start-up refused"));
    assert!(message.contains("create-admin --username erin --promote"), "{message}");
    // Its credentials pass registration's rules.
    let weak = Application::build(settings(dir.path(), |a| {
        a.admin_username = Some("boss".into());
        a.admin_password = Some("short".into());
    }))
    .await;
    assert!(format!("{:#}", weak.err().expect("weak password refused")).contains("admin password"));

    let plain = auth_server(
        &["create-admin", "--username", "erin", "--data-dir", data_dir],
        "a long admin password\n",
    );
    assert_eq!(plain.status.code(), Some(1));
    assert!(text(&plain.stderr).contains("--promote"), "{}", text(&plain.stderr));
    let promoted = auth_server(
        &["create-admin", "--username", "erin", "--promote", "--data-dir", data_dir],
        "a long admin password\n",
    );
    assert!(promoted.status.success(), "{}", text(&promoted.stderr));

    let (base, stop, server) = serve_on(dir.path(), |_| {}).await;
    let old_access = pair["access_token"].as_str().unwrap();
    let secret = http
        .get(format!("{base}/api/v1/secret"))
        .bearer_auth(old_access)
        .send()
        .await
        .unwrap();
    assert_eq!(secret.status(), StatusCode::UNAUTHORIZED, "the old session ended");
    let refresh = http
        .post(format!("{base}/api/v1/auth/refresh"))
        .bearer_auth(pair["refresh_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED, "the old refresh token mints nothing");
    let login = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": "erin", "password": "a long admin password" }))
        .send()
        .await
        .unwrap();
    let body: Value = login.json().await.unwrap();
    assert_eq!(body["user"]["role"], "admin", "{body}");
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

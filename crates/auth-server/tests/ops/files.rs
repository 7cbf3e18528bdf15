//! The files the server keeps: a private data directory and database, and no start-up
//! with a signing key other users can read.

use std::os::unix::fs::PermissionsExt;

use auth_server::Application;

use crate::helpers::settings;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_data_directory_and_database_are_private() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("fresh").join("data");
    let app = Application::build(settings(&data, |_| {})).await.unwrap();
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("auth.db")), 0o600);
    assert_eq!(mode(&data.join("jwt-secret.key")), 0o600);
    drop(app);
}

#[tokio::test]
async fn a_signing_key_others_can_read_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("shared.key");
    std::fs::write(&key, auth_server::infra::signing::generate_secret()).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = Application::build(settings(dir.path(), |a| a.signing_key_file = Some(key.clone()))).await;
    let message = format!("{:#}", refused.err().expect("start-up refused"));
    assert!(message.contains("chmod 600") && message.contains("shared.key"), "{message}");
}

//! Several real `auth-server` processes (the built binary, `serve`) on their own ports,
//! sharing one fresh PostgreSQL database, one Redis key prefix and one signing key file,
//! each with a data directory of its own — a deployment behind a load balancer. The
//! processes are killed when the [`Cluster`] is dropped.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tempfile::TempDir;

use crate::backend::Backing;
use crate::helpers::{ADMIN, ADMIN_PASSWORD, Config, DataDir, Http};

/// Longest a process may take to answer `/healthz`.
const STARTUP: Duration = Duration::from_secs(30);
/// Interval between `/healthz` polls while a process starts.
const POLL: Duration = Duration::from_millis(50);
/// Attempts to start one process (another program may take the free port in between).
const ATTEMPTS: usize = 3;

/// One server process; its request helpers through [`Http`].
pub struct Instance {
    http: Http,
    child: Child,
}

impl std::ops::Deref for Instance {
    type Target = Http;

    fn deref(&self) -> &Http {
        &self.http
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Server processes on one backing (dropped in field order: processes first).
pub struct Cluster {
    pub instances: Vec<Instance>,
    /// The shared signing key and the per-instance data directories.
    _root: TempDir,
    /// The database and Redis prefix, cleaned up last.
    backing: DataDir,
}

impl Cluster {
    /// `n` processes started one after the other (so the start-up admin is created once).
    pub async fn start(n: usize, config: &Config) -> Cluster {
        let backing = DataDir::new().await;
        let root = tempfile::tempdir().expect("temporary directory");
        let key = root.path().join("signing.key");
        std::fs::write(&key, auth_server::signing::generate_secret()).expect("signing key written");
        let mut instances = Vec::new();
        for i in 0..n {
            let data_dir = root.path().join(format!("instance-{i}"));
            instances.push(spawn(backing.backing(), &data_dir, &key, config).await);
        }
        let ports: std::collections::HashSet<_> = instances.iter().map(|a| a.base.clone()).collect();
        assert_eq!(ports.len(), n, "every instance listens on its own port");
        Cluster {
            instances,
            _root: root,
            backing,
        }
    }

    /// A client of the shared Redis with the deployment's key prefix.
    pub fn redis(&self) -> auth_server::redis_client::RedisClient {
        let redis = self.backing.backing().redis.as_ref().expect("a Redis backend");
        auth_server::redis_client::RedisClient::new(&redis.url, &redis.prefix).expect("Redis URL")
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts one process and waits until it answers `/healthz`.
async fn spawn(backing: &Backing, data_dir: &Path, key: &Path, config: &Config) -> Instance {
    let database = backing.database.as_ref().expect("a PostgreSQL backend");
    let redis = backing.redis.as_ref().expect("a Redis backend");
    for _ in 0..ATTEMPTS {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_auth-server"));
        command
            .arg("serve")
            .env_clear()
            .env("AUTH_BIND", format!("127.0.0.1:{port}"))
            .env("AUTH_DATA_DIR", data_dir)
            .env("AUTH_SIGNING_KEY_FILE", key)
            .env("AUTH_DATABASE_URL", &database.url)
            .env("AUTH_REDIS_URL", &redis.url)
            .env("AUTH_REDIS_KEY_PREFIX", &redis.prefix)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        if config.admin {
            command.env("AUTH_ADMIN_USERNAME", ADMIN).env("AUTH_ADMIN_PASSWORD", ADMIN_PASSWORD);
        }
        if let Some(max) = config.login_max_failures {
            command.env("AUTH_LOGIN_MAX_FAILURES", max.to_string());
        }
        let child = command.spawn().expect("the auth-server binary starts");
        let mut instance = Instance {
            http: Http::new(format!("http://127.0.0.1:{port}")),
            child,
        };
        if healthy(&mut instance).await {
            return instance;
        }
    }
    panic!("auth-server did not start in {ATTEMPTS} attempts");
}

/// Polls `/healthz` until it answers 200 (`true`) or the process exits (`false`, e.g. its
/// port was taken meanwhile); panics after [`STARTUP`].
async fn healthy(instance: &mut Instance) -> bool {
    let started = Instant::now();
    loop {
        if let Ok(response) = instance.client.get(instance.url("/healthz")).send().await
            && response.status() == StatusCode::OK
        {
            return true;
        }
        if instance.child.try_wait().expect("process status").is_some() {
            return false;
        }
        assert!(
            started.elapsed() < STARTUP,
            "auth-server did not answer /healthz within {STARTUP:?}"
        );
        tokio::time::sleep(POLL).await;
    }
}

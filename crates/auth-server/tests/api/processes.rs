//! Real `auth-server` processes (the built binary, `serve`, JSON logs appended to
//! `server.log` in the data directory): a [`Cluster`] of several on their own ports,
//! sharing one fresh PostgreSQL database, one Redis key prefix and one signing key file,
//! each with a data directory of its own — a deployment behind a load balancer; or one
//! [`Server`] on a fresh backing of the binary's backend, which a test may SIGKILL and
//! start again on the same data directory and database (the crash and audit tests).
//! Processes are killed when dropped.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tempfile::TempDir;

use crate::backend::Backing;
use crate::helpers::{ADMIN, ADMIN_PASSWORD, Config, DataDir, Http};

/// Longest a process may take to answer `/readyz`.
const STARTUP: Duration = Duration::from_secs(30);
/// Interval between `/readyz` polls while a process starts.
const POLL: Duration = Duration::from_millis(50);
/// Attempts to start one process (another program may take the free port in between).
const ATTEMPTS: usize = 3;

/// One server process; its request helpers through [`Http`].
pub struct Instance {
    http: Http,
    child: Child,
    /// Where its stdout and stderr go.
    log: PathBuf,
}

impl std::ops::Deref for Instance {
    type Target = Http;

    fn deref(&self) -> &Http {
        &self.http
    }
}

impl Instance {
    /// Kills the process with SIGKILL (no graceful shutdown, nothing flushed) and waits
    /// until it is gone.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL sent");
        let status = self.child.wait().expect("process reaped");
        assert_eq!(status.signal(), Some(9), "the process died of SIGKILL, not otherwise: {status}");
    }

    /// Its log output so far (JSON lines; all of it once the process is gone).
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).expect("server log readable")
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
        Cluster::start_each(&vec![config.clone(); n], &[]).await
    }

    /// One process per config (each may name its own database or Redis URL, e.g. a proxy
    /// or a restricted Redis user), all with the environment variables `env` too.
    pub async fn start_each(configs: &[Config], env: &[(&str, &str)]) -> Cluster {
        Cluster::start_on(DataDir::new().await, configs, env).await
    }

    /// [`Cluster::start_each`] on a given backing (a test that puts a proxy in front of
    /// its database creates it first).
    pub async fn start_on(backing: DataDir, configs: &[Config], env: &[(&str, &str)]) -> Cluster {
        crate::backend::Backend::require(crate::backend::Backend::PostgresRedis);
        let root = tempfile::tempdir().expect("temporary directory");
        let key = root.path().join("signing.key");
        auth_server::infra::signing::write_private(&key, auth_server::infra::signing::generate_secret().as_bytes())
            .expect("signing key written");
        let mut instances = Vec::new();
        for (i, config) in configs.iter().enumerate() {
            let data_dir = root.path().join(format!("instance-{i}"));
            instances.push(spawn(backing.backing(), &data_dir, Some(&key), config, env).await);
        }
        let ports: std::collections::HashSet<_> = instances.iter().map(|a| a.base.clone()).collect();
        assert_eq!(ports.len(), configs.len(), "every instance listens on its own port");
        Cluster {
            instances,
            _root: root,
            backing,
        }
    }

    /// A client of the shared Redis with the deployment's key prefix.
    pub fn redis(&self) -> auth_server::infra::redis::RedisClient {
        let redis = self.backing.backing().redis.as_ref().expect("a Redis backend");
        auth_server::infra::redis::RedisClient::new(&redis.url, &redis.prefix).expect("Redis URL")
    }
}

/// One server process on a fresh backing of the binary's backend (SQLite, PostgreSQL, or
/// PostgreSQL and Redis), its signing key generated in its data directory.
pub struct Server {
    pub instance: Instance,
    config: Config,
    /// Cleaned up after the process is gone.
    backing: DataDir,
}

impl std::ops::Deref for Server {
    type Target = Instance;

    fn deref(&self) -> &Instance {
        &self.instance
    }
}

impl Server {
    pub async fn start(config: Config) -> Server {
        let backing = DataDir::new().await;
        let instance = spawn(backing.backing(), backing.backing().dir.path(), None, &config, &[]).await;
        Server { instance, config, backing }
    }

    /// Its data directory, database and Redis prefix.
    pub fn data_dir(&self) -> &DataDir {
        &self.backing
    }

    /// A new process on the same data directory, database and Redis prefix (after
    /// [`Instance::kill`]); it listens on a new port.
    pub async fn restart(&mut self) {
        let backing = self.backing.backing();
        self.instance = spawn(backing, backing.dir.path(), None, &self.config, &[]).await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts one process on `backing` (with the signing key file `key`, or the one in its
/// data directory; the database and Redis URLs of `config` win over the backing's) and
/// waits until it answers `/readyz`.
async fn spawn(backing: &Backing, data_dir: &Path, key: Option<&Path>, config: &Config, env: &[(&str, &str)]) -> Instance {
    std::fs::create_dir_all(data_dir).expect("data directory created");
    let log = data_dir.join("server.log");
    for _ in 0..ATTEMPTS {
        let port = free_port();
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("server log opened");
        let mut command = Command::new(env!("CARGO_BIN_EXE_auth-server"));
        command
            .arg("serve")
            .env_clear()
            .env("AUTH_BIND", format!("127.0.0.1:{port}"))
            .env("AUTH_DATA_DIR", data_dir)
            .env("AUTH_LOG_FORMAT", "json")
            .stdin(Stdio::null())
            .stderr(output.try_clone().expect("server log handle"))
            .stdout(output);
        if let Some(key) = key {
            command.env("AUTH_SIGNING_KEY_FILE", key);
        }
        if let Some(database) = &backing.database {
            command.env("AUTH_DATABASE_URL", config.database_url.as_ref().unwrap_or(&database.url));
        }
        if let Some(redis) = &backing.redis {
            command
                .env("AUTH_REDIS_URL", config.redis_url.as_ref().unwrap_or(&redis.url))
                .env("AUTH_REDIS_KEY_PREFIX", &redis.prefix);
        }
        command.envs(env.iter().copied());
        if config.admin {
            command.env("AUTH_ADMIN_USERNAME", ADMIN).env("AUTH_ADMIN_PASSWORD", ADMIN_PASSWORD);
        }
        if let Some(filter) = &config.log_filter {
            command.env("RUST_LOG", filter);
        }
        if let Some(max) = config.login_max_failures {
            command.env("AUTH_LOGIN_MAX_FAILURES", max.to_string());
        }
        let registrations = config.extra.registration_max_per_address;
        command.env("AUTH_REGISTRATION_MAX_PER_ADDRESS", registrations.to_string());
        command.envs(config.env.iter().map(|(name, value)| (name, value)));
        let child = command.spawn().expect("the auth-server binary starts");
        let mut instance = Instance {
            http: Http::new(format!("http://127.0.0.1:{port}")),
            child,
            log: log.clone(),
        };
        if ready(&mut instance).await {
            return instance;
        }
    }
    panic!("auth-server did not start in {ATTEMPTS} attempts");
}

/// Polls `/readyz` until it answers 200 (`true`) or the process exits (`false`, e.g. its
/// port was taken meanwhile); panics after [`STARTUP`].
async fn ready(instance: &mut Instance) -> bool {
    let started = Instant::now();
    loop {
        if let Ok(response) = instance.client.get(instance.url("/readyz")).send().await
            && response.status() == StatusCode::OK
        {
            return true;
        }
        if instance.child.try_wait().expect("process status").is_some() {
            return false;
        }
        assert!(
            started.elapsed() < STARTUP,
            "auth-server was not ready within {STARTUP:?}; its log:\n{}",
            instance.logs()
        );
        tokio::time::sleep(POLL).await;
    }
}

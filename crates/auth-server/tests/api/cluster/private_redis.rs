//! A `redis-server` of the test's own on a free port, so a fault test can stop it, start
//! it again empty, or restrict what a server may do in it (ACL users) without touching
//! the machine's shared Redis.

use std::time::{Duration, Instant};

use auth_server::infra::redis::RedisClient;
use tokio::process::{Child, Command};

/// Longest the server may take to answer after it was started.
const STARTUP: Duration = Duration::from_secs(20);
/// Interval between pings while it starts.
const POLL: Duration = Duration::from_millis(50);

/// The running server (killed when dropped).
pub struct PrivateRedis {
    pub port: u16,
    child: Option<Child>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl PrivateRedis {
    /// A new server on a free port, without persistence.
    pub async fn start() -> PrivateRedis {
        let mut redis = PrivateRedis {
            port: free_port(),
            child: None,
        };
        redis.restart().await;
        redis
    }

    /// `redis://` URL of the default user.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// `redis://` URL logging in as `user` (created by [`PrivateRedis::user`]).
    pub fn url_as(&self, user: &str) -> String {
        format!("redis://{user}:unused@127.0.0.1:{}", self.port)
    }

    /// A client of the default user, no key prefix.
    pub fn client(&self) -> RedisClient {
        RedisClient::new(&self.url(), "").unwrap()
    }

    /// Runs `ACL SETUSER user rules...` (the user logs in with any password).
    pub async fn user(&self, user: &str, rules: &[&str]) {
        let mut acl = redis::cmd("ACL");
        acl.arg("SETUSER").arg(user).arg("on").arg("nopass").arg(rules);
        let _: () = self.client().query(&acl).await.expect("ACL SETUSER");
    }

    /// Closes every subscribed connection (the servers' subscriptions are "lost").
    pub async fn kill_subscriptions(&self) {
        let _: i64 = self
            .client()
            .query(redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("pubsub"))
            .await
            .expect("CLIENT KILL");
    }

    /// Stops the server (SIGKILL) and waits until it is gone.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("redis-server killed");
        }
    }

    /// Starts the server (again, empty) on the same port and waits until it answers.
    pub async fn restart(&mut self) {
        self.kill().await;
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server is installed (scripts/ci-services.sh installs it)");
        self.child = Some(child);
        let client = self.client();
        let started = Instant::now();
        while client.ping().await.is_err() {
            assert!(started.elapsed() < STARTUP, "private redis-server did not start");
            tokio::time::sleep(POLL).await;
        }
    }
}

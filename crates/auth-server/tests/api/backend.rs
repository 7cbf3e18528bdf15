//! The backend a test binary runs the API suite on, provisioned fresh for every test:
//! SQLite in a temporary directory; a new PostgreSQL database (`CREATE DATABASE t_<uuid>`
//! on the server of `TEST_DATABASE_URL`, dropped when the test ends); and a per-test key
//! prefix in the Redis of `TEST_REDIS_URL` (its keys deleted when the test ends).
//!
//! `TEST_BACKEND` names the backend of a run: `sqlite` (the default), `postgres` or
//! `postgres-redis`. A backend whose variables are unset, or whose server does not answer,
//! FAILS the run: a backend is skipped only by not being chosen, and `main.rs` lists the
//! unchosen ones as ignored tests.

use std::io::Write;
use std::sync::Once;

use tempfile::TempDir;

/// Where the server keeps its state in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    PostgresRedis,
}

impl Backend {
    /// The backend `TEST_BACKEND` names (SQLite when unset).
    pub fn selected() -> Backend {
        match std::env::var("TEST_BACKEND").as_deref() {
            Err(_) | Ok("") | Ok("sqlite") => Backend::Sqlite,
            Ok("postgres") => Backend::Postgres,
            Ok("postgres-redis") => Backend::PostgresRedis,
            Ok(other) => panic!("TEST_BACKEND={other:?}: expected sqlite, postgres or postgres-redis"),
        }
    }

    /// Panics unless the run's backend is `expected` (tests that only make sense there).
    pub fn require(expected: Backend) {
        let selected = Backend::selected();
        assert_eq!(
            selected, expected,
            "this test needs TEST_BACKEND={expected:?}, the run is on {selected:?}"
        );
    }

    fn describe(self) -> String {
        let var = |name: &str| std::env::var(name).unwrap_or_else(|_| "<unset>".into());
        match self {
            Backend::Sqlite => "SQLite (temporary file per test)".into(),
            Backend::Postgres => format!("PostgreSQL (fresh database per test on {})", var("TEST_DATABASE_URL")),
            Backend::PostgresRedis => format!(
                "PostgreSQL + Redis (fresh database and key prefix per test on {} and {})",
                var("TEST_DATABASE_URL"),
                var("TEST_REDIS_URL")
            ),
        }
    }

    /// The environment variables this backend needs.
    fn needs(self) -> &'static [&'static str] {
        match self {
            Backend::Sqlite => &[],
            Backend::Postgres => &["TEST_DATABASE_URL"],
            Backend::PostgresRedis => &["TEST_DATABASE_URL", "TEST_REDIS_URL"],
        }
    }
}

/// Written straight to stderr: libtest does not capture it, so CI logs show it.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Announces the backend once per run; a chosen backend whose variables are unset fails.
fn announce(backend: Backend) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let missing: Vec<_> = backend.needs().iter().filter(|v| std::env::var(v).is_err()).collect();
        if !missing.is_empty() {
            panic!("TEST_BACKEND chose {backend:?}, but {missing:?} are unset (bash scripts/ci-services.sh writes them)");
        }
        say(&format!("\n[backend] running the suite on {}", backend.describe()));
    });
}

/// A database created for one test and dropped after it.
pub struct TestDatabase {
    server_url: String,
    name: String,
    /// The URL the server under test uses.
    pub url: String,
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("TEST_DATABASE_URL is a URL");
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let query = rest[authority_end..].find('?').map(|i| &rest[authority_end + i..]).unwrap_or("");
    format!("{scheme}://{}/{name}{query}", &rest[..authority_end])
}

async fn admin_connection(server_url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    match sqlx::PgConnection::connect(server_url).await {
        Ok(conn) => conn,
        Err(e) => panic!("TEST_DATABASE_URL is set but PostgreSQL does not answer ({server_url}): {e}"),
    }
}

impl TestDatabase {
    /// Creates `t_<uuid>` on the server of `TEST_DATABASE_URL`.
    pub async fn create() -> Self {
        let server_url = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin_connection(&server_url).await;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("CREATE DATABASE for the test");
        TestDatabase {
            url: with_database(&server_url, &name),
            server_url,
            name,
        }
    }
}

/// Runs `work` to completion on a runtime of its own (from `Drop`, inside or outside Tokio).
fn block_on_own_runtime<F: Future<Output = ()> + Send + 'static>(work: F) {
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(work);
    });
    let _ = thread.join();
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (server_url, name) = (self.server_url.clone(), self.name.clone());
        block_on_own_runtime(async move {
            use sqlx::Connection;
            // Best effort: a failure leaves one stray database, it does not fail the test.
            if let Ok(mut conn) = sqlx::PgConnection::connect(&server_url).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        });
    }
}

/// A key prefix in the test Redis, its keys deleted after the test.
pub struct TestRedis {
    /// The URL of the test Redis.
    pub url: String,
    /// `t:<uuid>:`.
    pub prefix: String,
}

impl TestRedis {
    /// A new prefix in the Redis of `TEST_REDIS_URL`, which must answer.
    pub async fn create() -> Self {
        let url = std::env::var("TEST_REDIS_URL").expect("TEST_REDIS_URL");
        let client = auth_server::infra::redis::RedisClient::new(&url, "").expect("TEST_REDIS_URL is a Redis URL");
        if let Err(e) = client.ping().await {
            panic!("TEST_REDIS_URL is set but Redis does not answer ({url}): {e}");
        }
        TestRedis {
            url,
            prefix: format!("t:{}:", uuid::Uuid::new_v4().simple()),
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        let (url, prefix) = (self.url.clone(), self.prefix.clone());
        block_on_own_runtime(async move {
            let Ok(client) = auth_server::infra::redis::RedisClient::new(&url, "") else {
                return;
            };
            let pattern = format!("{prefix}*");
            let Ok(keys) = client.query::<Vec<String>>(redis::cmd("KEYS").arg(&pattern)).await else {
                return;
            };
            if !keys.is_empty() {
                let _ = client.query::<i64>(redis::cmd("DEL").arg(&keys)).await;
            }
        });
    }
}

/// Everything one test (or one cluster of instances) keeps its state in.
pub struct Backing {
    /// The data directory: the SQLite file and the signing key.
    pub dir: TempDir,
    pub database: Option<TestDatabase>,
    pub redis: Option<TestRedis>,
}

impl Backing {
    /// A fresh backing of the binary's backend.
    pub async fn new(backend: Backend) -> Self {
        announce(backend);
        let dir = tempfile::tempdir().expect("temporary directory");
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres | Backend::PostgresRedis => Some(TestDatabase::create().await),
        };
        let redis = match backend {
            Backend::PostgresRedis => Some(TestRedis::create().await),
            _ => None,
        };
        Backing { dir, database, redis }
    }
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(with_database("postgres://u@h:5432/ci", "t_1"), "postgres://u@h:5432/t_1");
    assert_eq!(
        with_database("postgres://u:p@h/ci?sslmode=disable", "t_2"),
        "postgres://u:p@h/t_2?sslmode=disable"
    );
    assert_eq!(with_database("postgresql://h", "t_3"), "postgresql://h/t_3");
}

//! Building the application from settings and running it until a shutdown signal, with
//! in-flight requests allowed to finish (zero2prod's `Application`, mini-redis's `run`).

mod jwt;
pub mod openapi;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;

use crate::infra::device::DeviceCookies;
use crate::infra::password::PasswordHasher;
use crate::infra::redis::RedisClient;
use crate::infra::store::DynStore;
use crate::infra::store::cached::CachedStore;
use crate::infra::store::postgres::PostgresStore;
use crate::infra::store::sqlite::SqliteStore;
use crate::infra::throttle::{LoginThrottle, RegistrationLimit};
use crate::settings::Settings;
use crate::state::{AppState, Shared};

/// A built, bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Opens the store, loads keys and revocations, creates the start-up admin and binds.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let state = build_state(settings).await?;
        crate::domain::users::provision::ensure_startup_admin(&state).await?;
        let listener = crate::server::bind(state.settings.bind).with_context(|| format!("binding {}", state.settings.bind))?;
        let router = router(state.clone());
        Ok(Application { listener, router, state })
    }

    /// The address actually bound (port 0 becomes a real port).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// The shared state (for tests and the CLI).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM; in-flight requests finish first.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `shutdown` completes (tests use a channel); in-flight requests finish.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let pruner = spawn_pruner(self.state.clone());
        let upkeep = crate::telemetry::metrics::spawn_upkeep();
        let settings = &self.state.settings;
        let result = run(self.listener, self.router, settings, shutdown).await;
        pruner.abort();
        upkeep.abort();
        result
    }
}

/// Everything the handlers share, without binding a port: the store (migrated), the
/// revocation state, the token manager and the password hasher. The CLI commands use it.
pub async fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    jwt_extended::install_crypto_provider();
    // The recorder first: loading the revocations already reports their number.
    crate::telemetry::metrics::handle();
    crate::domain::audit::register_metrics();
    create_private_dir(&settings.data_dir).with_context(|| format!("creating data directory {}", settings.data_dir.display()))?;
    warn_if_cookies_travel_in_clear(&settings);
    let database = connect_store(settings.database_url().as_str()).await?;
    let redis = match &settings.redis_url {
        Some(url) => Some(RedisClient::new(url.as_str(), &settings.redis_key_prefix).context("configuring Redis")?),
        None => None,
    };
    // With Redis, user lookups go through its short-lived shared cache.
    let store: DynStore = match &redis {
        Some(redis) => Arc::new(CachedStore::new(database, redis.clone())),
        None => database,
    };
    let revocations = crate::infra::revocation::connect(store.clone(), redis.clone(), settings.revocation_poll_interval)
        .await
        .context("loading revocations")?;
    let jwt = jwt::build_jwt_manager(&settings, revocations.clone())?;
    let cores = cores();
    let priority_queue = settings.hashing_priority_queue.unwrap_or(settings.hashing_queue);
    let hasher = PasswordHasher::new(cores, settings.hashing_queue, priority_queue);
    let device_key = crate::infra::signing::signing_key_bytes(&settings)?;
    let devices = Arc::new(DeviceCookies::new(&device_key, settings.device_cookie_ttl.as_secs()));
    let throttle = Arc::new(LoginThrottle::new(
        settings.login_max_failures,
        settings.login_address_max_failures,
        settings.login_window,
        redis.clone(),
    ));
    let registrations = Arc::new(RegistrationLimit::new(
        settings.registration_max_per_address,
        settings.registration_window,
        redis.clone(),
    ));
    Ok(AppState::new(Shared {
        settings: Arc::new(settings),
        store,
        jwt,
        revocations,
        hasher,
        throttle,
        devices,
        registrations,
        redis,
    }))
}

/// Serves `router` on `listener` until `shutdown` completes, with the connection settings
/// (`header_timeout`, `max_connections`, `connection_threads`) and open connections given
/// at most the request deadline to finish after the shutdown (see `server/mod.rs`).
pub async fn run(
    listener: TcpListener,
    router: Router,
    settings: &Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let options = crate::server::ServeOptions {
        header_timeout: settings.header_timeout,
        drain_limit: settings.request_timeout,
        max_connections: settings.max_connections as usize,
        connection_threads: settings.connection_threads.map_or_else(cores, usize::from),
    };
    crate::server::serve(listener, router, options, shutdown).await;
    Ok(())
}

/// Every route, with the HTTP middleware. Auth is enforced per route by the extractors
/// (which take the token manager from the state, see `state.rs`), so unknown routes are
/// 404 and wrong methods 405, never 401.
pub fn router(state: AppState) -> Router {
    let settings = state.settings.clone();
    let routes = openapi::documented_routes()
        .merge(crate::routes::web::router(&settings))
        .method_not_allowed_fallback(crate::routes::ops::method_not_allowed)
        .fallback(crate::routes::ops::not_found);
    with_middleware(routes.with_state(state), &settings)
}

/// The HTTP middleware around `routes`, outermost first: HSTS (with `Secure` cookies),
/// CORS (for configured origins), then the request scope (request id, log span, metrics,
/// deadline, the one body limit, credential and `Set-Cookie` headers marked sensitive;
/// see `http/middleware/request_scope.rs`). The layers are composed into one stack and
/// applied once: every `Router::layer` call boxes each route again, and the boxed
/// services are cloned on every request (seven separate layers cost about as much as
/// verifying the token).
pub fn with_middleware(routes: Router, settings: &Settings) -> Router {
    use tower::ServiceBuilder;

    use crate::http::middleware::limits::Limits;
    use crate::http::middleware::request_scope::RequestScopeLayer;
    use crate::http::middleware::security_headers;
    use crate::telemetry::metrics;

    metrics::handle();
    let limits = Limits {
        max_body_bytes: settings.max_body_bytes,
        deadline: settings.request_timeout,
    };
    let stack = ServiceBuilder::new()
        .option_layer(security_headers::hsts(settings))
        .option_layer(security_headers::cors(settings))
        .layer(RequestScopeLayer::new(limits));
    routes.layer(stack)
}

/// The cores this process may run on (2 when the system cannot say).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Creates the data directory (signing key, database) accessible only to its owner (0700);
/// an existing directory is left as the operator made it.
fn create_private_dir(path: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// Cookies without `Secure` travel in clear text to any address but this machine's: say
/// so when the server listens beyond loopback (a TLS proxy in front should set
/// `--cookie-secure`).
fn warn_if_cookies_travel_in_clear(settings: &Settings) {
    if cookies_travel_in_clear(settings) {
        tracing::warn!(
            bind = %settings.bind,
            "listening beyond loopback without --cookie-secure: cookies are not marked Secure; \
             serve through HTTPS and set --cookie-secure"
        );
    }
}

/// Whether cookies without `Secure` would be sent to addresses beyond this machine.
fn cookies_travel_in_clear(settings: &Settings) -> bool {
    !settings.cookie_secure && !settings.bind.ip().is_loopback()
}

/// The store for `url`: `sqlite:` (embedded file) or `postgres://` / `postgresql://`.
async fn connect_store(url: &str) -> anyhow::Result<DynStore> {
    let shown = crate::settings::redact_url(url);
    if url.starts_with("sqlite:") {
        Ok(Arc::new(
            SqliteStore::connect(url).await.with_context(|| format!("opening {shown}"))?,
        ))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(
            PostgresStore::connect(url)
                .await
                .with_context(|| format!("connecting to {shown}"))?,
        ))
    } else {
        anyhow::bail!("unsupported database URL {shown:?} (expected sqlite://... or postgres://...)")
    }
}

fn spawn_pruner(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(state.settings.prune_interval);
        loop {
            ticker.tick().await;
            if let Err(e) = state.revocations.prune().await {
                tracing::warn!(error = %e, "pruning expired revocations failed");
            }
        }
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_cookies_beyond_loopback_are_flagged() {
        let settings = |bind: &str, secure: bool| Settings {
            bind: bind.parse().unwrap(),
            cookie_secure: secure,
            ..Settings::default()
        };
        assert!(!cookies_travel_in_clear(&settings("127.0.0.1:8080", false)));
        assert!(!cookies_travel_in_clear(&settings("[::1]:8080", false)));
        assert!(cookies_travel_in_clear(&settings("0.0.0.0:8080", false)));
        assert!(!cookies_travel_in_clear(&settings("0.0.0.0:8080", true)));
    }
}

//! Building the application from settings and running it until a shutdown signal, with
//! in-flight requests allowed to finish (zero2prod's `Application`, mini-redis's `run`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;

use crate::password::PasswordHasher;
use crate::revocation::PersistentRevocations;
use crate::settings::Settings;
use crate::state::AppState;
use crate::store::DynStore;
use crate::store::sqlite::SqliteStore;
use crate::throttle::LoginThrottle;

/// A built, bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Opens the store, loads keys and revocations, creates the start-up admin and binds.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        jwt_extended::install_crypto_provider();
        std::fs::create_dir_all(&settings.data_dir).with_context(|| format!("creating data directory {}", settings.data_dir.display()))?;
        let store = connect_store(&settings.database_url).await?;
        let revocations = Arc::new(PersistentRevocations::load(store.clone()).await.context("loading revocations")?);
        let jwt = crate::auth::build_jwt_manager(&settings, revocations.clone())?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let hasher = PasswordHasher::new(cores);
        let throttle = Arc::new(LoginThrottle::new(settings.login_max_failures, settings.login_window));
        let state = AppState {
            settings: Arc::new(settings),
            store,
            jwt,
            revocations,
            hasher,
            throttle,
        };
        crate::users::ensure_admin(&state).await?;
        let listener = TcpListener::bind(state.settings.bind)
            .await
            .with_context(|| format!("binding {}", state.settings.bind))?;
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
        spawn_pruner(self.state.clone());
        run(self.listener, self.router, shutdown_signal()).await
    }
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn run(listener: TcpListener, router: Router, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Every route, with the token layer and the HTTP middleware.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::auth::router())
        .merge(crate::users::router())
        .merge(crate::items::router())
        .merge(crate::ops::router())
        .merge(crate::web::router())
        .fallback(crate::ops::not_found)
        .layer(state.jwt.layer())
        .with_state(state)
}

async fn connect_store(url: &str) -> anyhow::Result<DynStore> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await.with_context(|| format!("opening {url}"))?))
    } else {
        anyhow::bail!("unsupported database URL {url:?} (expected sqlite://...)")
    }
}

fn spawn_pruner(state: AppState) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(60));
        loop {
            ticker.tick().await;
            if let Err(e) = state.revocations.prune().await {
                tracing::warn!(error = %e, "pruning expired revocations failed");
            }
        }
    });
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

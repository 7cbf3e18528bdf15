//! Operations: health and readiness probes, metrics, the OpenAPI document and docs, and
//! the logging set-up.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use http::StatusCode;

use crate::error::ApiError;
use crate::settings::LogFormat;
use crate::state::AppState;

/// The operations routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

async fn healthz() -> StatusCode {
    StatusCode::OK
}

async fn readyz(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    state.store.ping().await?;
    Ok(StatusCode::OK)
}

/// Unknown routes: 404 with a JSON body (never 401: auth is layered per route).
pub async fn not_found() -> ApiError {
    ApiError::NotFound("Not found")
}

/// Installs the global tracing subscriber (`RUST_LOG` filters, default `info`).
pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database and,
//! when configured, Redis answer within a short deadline) probes for orchestrators and
//! load balancers.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// How long a readiness check may wait for the database before answering 503.
const READY_DEADLINE: Duration = Duration::from_secs(2);

/// The probe routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz))
}

/// A probe's answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProbeStatus {
    /// `ok` for liveness, `ready` for readiness.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: 200 while the process runs.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is running", body = ProbeStatus)),
    security(())
)]
pub async fn healthz() -> Json<ProbeStatus> {
    Json(ProbeStatus { status: "ok" })
}

/// Readiness: 200 when the database (and Redis, when configured) answer, 503 otherwise.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "The database (and Redis, when configured) answer", body = ProbeStatus),
        (status = 503, description = "A backing service does not answer", body = ErrorBody),
    ),
    security(())
)]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<ProbeStatus>, ApiError> {
    let checks = async {
        state.store.ping().await?;
        state.revocations.ping().await
    };
    match tokio::time::timeout(READY_DEADLINE, checks).await {
        Ok(result) => result?,
        Err(_) => return Err(ApiError::Unavailable("readiness checks timed out".into())),
    }
    Ok(Json(ProbeStatus { status: "ready" }))
}

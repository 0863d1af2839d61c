//! Probes for an orchestrator: `GET /healthz` (liveness: the process answers) and
//! `GET /readyz` (readiness: the database answers and holds every migration).

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::state::AppState;

/// Liveness: 200 while the process answers requests. It does not touch the database, so
/// an orchestrator does not restart a server whose database is briefly away (`/readyz`
/// says that).
#[utoipa::path(get, path = "/healthz", tag = "health", security(()),
    responses((status = 200, description = "The process answers")))]
pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Readiness: 200 when the database answers and its schema holds every migration this
/// build needs; 503 otherwise, saying which (route traffic elsewhere meanwhile).
#[utoipa::path(get, path = "/readyz", tag = "health", security(()),
    responses((status = 200, description = "Ready to serve"),
        (status = 503, body = ErrorBody, description = "The database does not answer, or its schema is behind")))]
pub(crate) async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.store.ready().await.map_err(ApiError::not_ready)?;
    Ok(Json(json!({"status": "ready"})))
}

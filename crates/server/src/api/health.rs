//! `GET /healthz`: 200 when the server and its database answer, 503 otherwise.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::state::AppState;

/// Liveness and readiness: 200 when the server and its database answer.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()),
    responses((status = 200, description = "Healthy"), (status = 503, body = ErrorBody, description = "The database does not answer")))]
pub(crate) async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.store.ping().await?;
    Ok(Json(json!({"status": "ok"})))
}

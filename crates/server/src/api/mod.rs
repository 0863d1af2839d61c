//! The native API, one file per resource, all under `/api/v1/tenants/{tenant}`.

mod events;
mod health;
mod interactions;

use axum::routing::{get, post};
use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/api/v1/tenants/{tenant}/events", post(events::ingest_events))
        .route("/api/v1/tenants/{tenant}/interactions/{interaction_id}", get(interactions::get_interaction))
        .route(
            "/api/v1/tenants/{tenant}/interactions/{interaction_id}/events",
            get(interactions::list_interaction_events),
        )
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

//! The native API, one file per resource, all under `/api/v1/tenants/{tenant}`.

pub(crate) mod admin;
pub(crate) mod agents;
pub(crate) mod content;
pub(crate) mod events;
pub(crate) mod health;
pub(crate) mod interactions;
pub(crate) mod lists;
pub(crate) mod lookup;
mod params;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::Router;

use crate::error::ApiError;
use crate::state::{AppState, Limits};

pub(crate) fn routes(limits: &Limits) -> Router<AppState> {
    let tenant = Router::new()
        .route("/events", post(events::ingest_events))
        .route("/interactions", get(lists::list_interactions))
        .route(
            "/interactions/{interaction_id}",
            get(interactions::get_interaction),
        )
        .route(
            "/interactions/{interaction_id}/events",
            get(interactions::list_interaction_events),
        )
        .route(
            "/interactions/{interaction_id}/content/{content_id}",
            get(content::get_content)
                .put(content::put_content)
                .layer(DefaultBodyLimit::max(limits.max_content_bytes)),
        )
        .route(
            "/customers/{customer_id}/interactions",
            get(lists::list_customer_interactions),
        )
        .route(
            "/agents/{agent_id}/interactions",
            get(agents::list_agent_interactions),
        )
        .route("/lookup", get(lookup::lookup_interaction));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route(
            "/api/v1/admin/keys",
            post(admin::create_key).get(admin::list_keys),
        )
        .route("/api/v1/admin/keys/{key_id}", delete(admin::revoke_key))
        .nest("/api/v1/tenants/{tenant}", tenant)
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

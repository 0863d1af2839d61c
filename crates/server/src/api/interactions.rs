//! Reading one interaction: its record (`GET .../interactions/{id}`) and its logged events
//! (`GET .../interactions/{id}/events`).

use axum::extract::{Path, State};
use axum::Json;
use interlog_core::{Event, Interaction, InteractionId};

use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::openapi::EventDoc;
use crate::state::AppState;

fn parse_interaction_id(raw: String) -> Result<InteractionId, ApiError> {
    InteractionId::parse(raw)
        .map_err(|e| ApiError::invalid_parameter("interactionId", e.to_string()))
}

fn not_found(id: &InteractionId) -> ApiError {
    ApiError::not_found(format!("interaction {id} not found"))
}

/// One interaction's record, with its statistics.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/interactions/{interactionId}", tag = "interactions",
    params(("tenant" = String, Path, description = "The tenant"), ("interactionId" = String, Path, description = "The interaction")),
    responses((status = 200, body = Interaction, description = "The record"), (status = "4XX", body = ErrorBody, description = "Bad input (400, naming the parameter or field), credentials (401, 403), missing (404), too large (413), wrong type (415)"), (status = "5XX", body = ErrorBody, description = "Server or database unavailable; details are in the log")),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn get_interaction(
    State(state): State<AppState>,
    principal: Principal,
    Path((tenant, id)): Path<(String, String)>,
) -> Result<Json<Interaction>, ApiError> {
    let tenant = principal.authorize(&tenant, Scope::Read)?;
    let id = parse_interaction_id(id)?;
    let record = state.store.get_interaction(&tenant, &id).await?;
    record.map(Json).ok_or_else(|| not_found(&id))
}

/// One interaction's logged events, in arrival order.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/interactions/{interactionId}/events", tag = "interactions",
    params(("tenant" = String, Path, description = "The tenant"), ("interactionId" = String, Path, description = "The interaction")),
    responses((status = 200, body = Vec<EventDoc>, description = "The events"), (status = "4XX", body = ErrorBody, description = "Bad input (400, naming the parameter or field), credentials (401, 403), missing (404), too large (413), wrong type (415)"), (status = "5XX", body = ErrorBody, description = "Server or database unavailable; details are in the log")),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn list_interaction_events(
    State(state): State<AppState>,
    principal: Principal,
    Path((tenant, id)): Path<(String, String)>,
) -> Result<Json<Vec<Event>>, ApiError> {
    let tenant = principal.authorize(&tenant, Scope::Read)?;
    let id = parse_interaction_id(id)?;
    let events = state.store.interaction_events(&tenant, &id).await?;
    if events.is_empty() {
        return Err(not_found(&id));
    }
    Ok(Json(events))
}

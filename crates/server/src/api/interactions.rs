//! Reading one interaction: its record (`GET .../interactions/{id}`) and its logged events
//! (`GET .../interactions/{id}/events`).

use axum::extract::{Path, State};
use axum::Json;
use interlog_core::{Event, Interaction, InteractionId};

use super::paths::InteractionPath;
use super::stored::StoredJson;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
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
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/interactions/{interactionId}",
    tag = "interactions",
    params(InteractionPath),
    responses((status = 200, body = Interaction, description = "The record"), ApiError),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn get_interaction(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<InteractionPath>,
) -> Result<StoredJson, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Read)?;
    let id = parse_interaction_id(path.interaction_id)?;
    let record = state.store.get_interaction_json(&tenant, &id).await?;
    record.map(StoredJson).ok_or_else(|| not_found(&id))
}

/// One interaction's logged events, in arrival order.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/interactions/{interactionId}/events",
    tag = "interactions",
    params(InteractionPath),
    responses((status = 200, body = Vec<EventDoc>, description = "The events"), ApiError),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn list_interaction_events(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<InteractionPath>,
) -> Result<Json<Vec<Event>>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Read)?;
    let id = parse_interaction_id(path.interaction_id)?;
    let events = state.store.interaction_events(&tenant, &id).await?;
    if events.is_empty() {
        return Err(not_found(&id));
    }
    Ok(Json(events))
}

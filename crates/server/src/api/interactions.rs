//! Reading one interaction: its record (`GET .../interactions/{id}`) and its logged events
//! (`GET .../interactions/{id}/events`). With `?reveal=true` and the `interactions:reveal`
//! scope, both show the originals a `redact-and-keep-original` tenant kept: the events with
//! their originals in place, and the record projected from them (the one projection every
//! record comes from). The audit trail marks each such request (`?reveal=true`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use interlog_core::{project, Event, Interaction, InteractionId, TenantId};
use utoipa::IntoParams;

use super::params::Params;
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

/// Whether to show kept originals.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read through `Params`; the struct documents it
pub(crate) struct RevealQuery {
    /// `true` shows the originals the tenant kept (`redact-and-keep-original`) in place of
    /// their redacted form; needs the `interactions:reveal` scope, and is audited. Default
    /// `false`.
    reveal: Option<bool>,
}

type RawQuery = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// The tenant the caller may read and whether it asks for (and may see) the originals.
fn authorize(
    principal: &Principal,
    tenant: &str,
    query: RawQuery,
) -> Result<(TenantId, bool), ApiError> {
    let tenant = principal.authorize(tenant, Scope::Read)?;
    let mut params = Params::new(query)?;
    let reveal = params.boolean("reveal")?.unwrap_or(false);
    params.finish()?;
    if reveal {
        principal.authorize(tenant.as_str(), Scope::Reveal)?;
    }
    Ok((tenant, reveal))
}

/// The events with the originals the tenant kept.
async fn revealed(
    state: &AppState,
    tenant: &TenantId,
    id: &InteractionId,
) -> Result<Vec<Event>, ApiError> {
    let events = state.store.revealed_events(tenant, id).await?;
    match events.is_empty() {
        true => Err(not_found(id)),
        false => Ok(events),
    }
}

/// One interaction's record, with its statistics.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/interactions/{interactionId}",
    tag = "interactions",
    params(InteractionPath, RevealQuery),
    responses((status = 200, body = Interaction, description = "The record"), ApiError),
    security(("bearer" = ["interactions:read"]), ("bearer" = ["interactions:read", "interactions:reveal"])))]
pub(crate) async fn get_interaction(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<InteractionPath>,
    query: RawQuery,
) -> Result<Response, ApiError> {
    let (tenant, reveal) = authorize(&principal, &path.tenant, query)?;
    let id = parse_interaction_id(path.interaction_id)?;
    if reveal {
        let events = revealed(&state, &tenant, &id).await?;
        return Ok(Json(project(&tenant, &id, &events)).into_response());
    }
    let record = state.store.get_interaction_json(&tenant, &id).await?;
    let record = record.map(StoredJson).ok_or_else(|| not_found(&id))?;
    Ok(record.into_response())
}

/// One interaction's logged events, in arrival order.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/interactions/{interactionId}/events",
    tag = "interactions",
    params(InteractionPath, RevealQuery),
    responses((status = 200, body = Vec<EventDoc>, description = "The events"), ApiError),
    security(("bearer" = ["interactions:read"]), ("bearer" = ["interactions:read", "interactions:reveal"])))]
pub(crate) async fn list_interaction_events(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<InteractionPath>,
    query: RawQuery,
) -> Result<Json<Vec<Event>>, ApiError> {
    let (tenant, reveal) = authorize(&principal, &path.tenant, query)?;
    let id = parse_interaction_id(path.interaction_id)?;
    if reveal {
        return Ok(Json(revealed(&state, &tenant, &id).await?));
    }
    let events = state.store.interaction_events(&tenant, &id).await?;
    if events.is_empty() {
        return Err(not_found(&id));
    }
    Ok(Json(events))
}

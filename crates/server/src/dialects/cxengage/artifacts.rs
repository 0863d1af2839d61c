//! An interaction's artifacts (recordings, transcript, stored binaries) and notes, as
//! CxEngage's JS SDK reads them. Shapes: [`interlog_dialects::cxengage::artifacts`]. A stored
//! binary's bytes are linked to the native content route
//! (`/api/v1/tenants/{t}/interactions/{id}/content/{contentId}`, absolute from the public
//! URL or the request's Host): the vendor documents no route of its own for them, and the
//! same credentials are accepted there.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use interlog_core::record::Interaction;
use interlog_core::TenantId;
use interlog_dialects::cxengage::artifacts;
use interlog_dialects::cxengage::error;
use serde_json::Value;

use super::{parameters, CxError};
use crate::auth::Principal;
use crate::dialects::{authorize_read, base_url, read_interaction, RawQuery};
use crate::error::ApiError;
use crate::state::AppState;

/// The interaction `id` of `tenant`, or CxEngage's 404.
async fn interaction(
    state: &AppState,
    tenant: &TenantId,
    id: &str,
) -> Result<Interaction, CxError> {
    let missing = || error::not_found(format!("interaction {id} not found"));
    read_interaction(state, tenant, id, missing).await
}

/// The interaction's artifacts: recordings, its transcript and its stored binaries.
#[utoipa::path(get,
    path = "/compat/cxengage/v1/tenants/{tenant}/interactions/{interactionId}/artifacts",
    params(
        ("tenant" = String, Path, description = "The tenant (CxEngage's tenantId)"),
        ("interactionId" = String, Path, description = "The interaction"),
    ),
    responses(
        (status = 200, body = Object, description = "`{tenantId, interactionId, total, \
            results: [{artifactId, artifactType, interactionId, tenantId, created}]}`"),
        CxError),
    security(("token" = []), ("basic" = []), ("bearer" = [])))]
pub(super) async fn list_artifacts(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((tenant, id)): Path<(String, String)>,
    query: RawQuery,
) -> Result<Json<Value>, CxError> {
    let tenant = authorize_read(principal, &tenant)?;
    parameters(query, |_, _| Ok(false))?;
    let record = interaction(&state, &tenant, &id).await?;
    Ok(Json(artifacts::render_artifact_list(&record)))
}

/// One artifact with its files (each with a URL for its bytes), or the transcript.
#[utoipa::path(get,
    path = "/compat/cxengage/v1/tenants/{tenant}/interactions/{interactionId}/artifacts/{artifactId}",
    params(
        ("tenant" = String, Path, description = "The tenant (CxEngage's tenantId)"),
        ("interactionId" = String, Path, description = "The interaction"),
        ("artifactId" = String, Path, description = "`recording-<n>`, \
            `messaging-transcript` or `content-<contentId>`"),
    ),
    responses(
        (status = 200, body = Object, description = "`{artifactId, artifactType, \
            interactionId, tenantId, created, files: [{fileId, filename, contentType, size, \
            sha256, url, startTimestamp, duration}], transcript}`"),
        CxError),
    security(("token" = []), ("basic" = []), ("bearer" = [])))]
pub(super) async fn get_artifact(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((tenant, id, artifact)): Path<(String, String, String)>,
    query: RawQuery,
) -> Result<Json<Value>, CxError> {
    let tenant = authorize_read(principal, &tenant)?;
    parameters(query, |_, _| Ok(false))?;
    let record = interaction(&state, &tenant, &id).await?;
    let base = base_url(&state, &headers);
    let interaction = record.interaction_id.as_str();
    let content_url = |content: &str| {
        format!("{base}/api/v1/tenants/{tenant}/interactions/{interaction}/content/{content}")
    };
    let missing = || error::not_found(format!("artifact {artifact} not found"));
    let body = artifacts::render_artifact(&record, &artifact, content_url).ok_or_else(missing)?;
    Ok(Json(body))
}

/// The interaction's notes, oldest first; `contents=true` includes each note's text.
#[utoipa::path(get,
    path = "/compat/cxengage/v1/tenants/{tenant}/interactions/{interactionId}/notes",
    params(
        ("tenant" = String, Path, description = "The tenant (CxEngage's tenantId)"),
        ("interactionId" = String, Path, description = "The interaction"),
        ("contents" = Option<bool>, Query,
            description = "`true` includes each note's text (default: metadata only)"),
    ),
    responses(
        (status = 200, body = Object, description = "`{tenantId, interactionId, total, \
            results: [{noteId, agentId, timestamp, text}]}`"),
        CxError),
    security(("token" = []), ("basic" = []), ("bearer" = [])))]
pub(super) async fn list_notes(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((tenant, id)): Path<(String, String)>,
    query: RawQuery,
) -> Result<Json<Value>, CxError> {
    let tenant = authorize_read(principal, &tenant)?;
    let mut contents = false;
    parameters(query, |name, value| {
        let known = name == "contents";
        if known {
            contents = value == "true";
        }
        Ok(known)
    })?;
    let record = interaction(&state, &tenant, &id).await?;
    Ok(Json(artifacts::render_notes(&record, contents)))
}

//! Genesys Context Services / UCS "Query Interactions", wire-compatible, under
//! `/compat/genesys-ucs`:
//! - `GET /customers/{customer_id}/interactions`: an array of Interaction Resources, newest first;
//! - `GET /interactions/{interaction_id}`: one resource;
//! - `GET /interactions/{id}/plain_text`, `/structured_text`, `/binary_content`: the content,
//!   which the resource only links to (absolute URLs with underscores: the seed's
//!   `plain text` and `binary content` spellings are typesetting slips).
//!
//! The tenant is the `ContactCenterId` header (8.5 multi-tenancy), else the credential's only
//! tenant. Errors are `{"message", "exception"}` as the 8.5 documentation shows.

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use interlog_core::query::InteractionQuery;
use interlog_core::record::Interaction;
use interlog_core::{CustomerId, TenantId};
use interlog_dialects::genesys::error::{self, not_found};
use interlog_dialects::genesys::render;
use interlog_dialects::VendorError;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    authorize_named_or_only, base_url, documented, read_interaction, Credential, DialectDoc,
    DialectError, Vendor,
};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

const PREFIX: &str = "/compat/genesys-ucs";
/// The most interactions one customer query answers (the newest ones).
const MAX_CUSTOMER_INTERACTIONS: usize = 10_000;

const DOC: DialectDoc = DialectDoc {
    base: PREFIX,
    title: "Interlog: Genesys UCS Query Interactions",
    description: "Interaction Resources of Genesys Context Services / UCS, with their content \
                  at the resource's links. The tenant is the `ContactCenterId` header, else \
                  the credential's only tenant. Credentials: HTTP Basic (an API key) or a JWT.",
    security: &[("basic", Credential::Basic), ("bearer", Credential::Bearer)],
};

pub(super) fn routes() -> Router<AppState> {
    let routes = OpenApiRouter::new()
        .routes(routes!(customer_interactions))
        .routes(routes!(interaction))
        .routes(routes!(plain_text))
        .routes(routes!(structured_text))
        .routes(routes!(binary_content));
    documented(&DOC, routes)
}

pub(super) struct Genesys;

impl Vendor for Genesys {
    const FROM_NATIVE: fn(u16, &str, Option<&str>) -> VendorError = error::from_native;
}

type UcsError = DialectError<Genesys>;

/// The tenant: `ContactCenterId`, else the credential's only one.
fn tenant(
    principal: Result<Principal, ApiError>,
    headers: &HeaderMap,
) -> Result<TenantId, UcsError> {
    let named = headers
        .get("contactcenterid")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    authorize_named_or_only(&principal?, named, || {
        error::error(400, "Invalid tenant specified : no tenant specified in multi-tenant environment. Verify configuration and 'ContactCenterId' HTTP header.")
    })
}

/// The interaction a route names, in the tenant the request names.
async fn record(
    state: &AppState,
    principal: Result<Principal, ApiError>,
    headers: &HeaderMap,
    id: String,
) -> Result<(TenantId, Interaction), UcsError> {
    let tenant = tenant(principal, headers)?;
    let missing = || not_found(&format!("interaction {id}"));
    let record = read_interaction(state, &tenant, &id, missing).await?;
    Ok((tenant, record))
}

fn dialect_base(state: &AppState, headers: &HeaderMap) -> String {
    format!("{}{PREFIX}", base_url(state, headers))
}

/// One Interaction Resource.
#[utoipa::path(get, path = "/compat/genesys-ucs/interactions/{interactionId}",
    params(
        ("ContactCenterId" = Option<String>, Header,
            description = "The tenant; needed when the credential grants several"),
        ("interactionId" = String, Path, description = "The interaction"),
    ),
    responses((status = 200, body = Object, description = "The Interaction Resource"), UcsError),
    security(("basic" = []), ("bearer" = [])))]
async fn interaction(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, UcsError> {
    let (_, record) = record(&state, principal, &headers, id).await?;
    Ok(Json(render::render_resource(
        &record,
        &dialect_base(&state, &headers),
    )))
}

/// A customer's Interaction Resources, newest first.
#[utoipa::path(get, path = "/compat/genesys-ucs/customers/{customerId}/interactions",
    params(
        ("ContactCenterId" = Option<String>, Header,
            description = "The tenant; needed when the credential grants several"),
        ("customerId" = String, Path, description = "The customer"),
    ),
    responses((status = 200, body = Vec<Object>, description = "Interaction Resources, newest first"), UcsError),
    security(("basic" = []), ("bearer" = [])))]
async fn customer_interactions(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(customer): Path<String>,
) -> Result<Json<Value>, UcsError> {
    let tenant = tenant(principal, &headers)?;
    let customer =
        CustomerId::parse(customer).map_err(|e| error::error(400, format!("customer_id: {e}")))?;
    let base = dialect_base(&state, &headers);
    let mut resources = Vec::new();
    let mut query = InteractionQuery {
        customer: Some(customer),
        limit: 1000,
        ..InteractionQuery::default()
    };
    // The customer's interactions, newest first, a keyset page at a time, up to a bound
    // that keeps one answer a sane size.
    while resources.len() < MAX_CUSTOMER_INTERACTIONS {
        let page = state.store.list_interactions(&tenant, &query).await?;
        resources.extend(page.items.iter().map(|r| render::render_resource(r, &base)));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    resources.truncate(MAX_CUSTOMER_INTERACTIONS);
    Ok(Json(Value::Array(resources)))
}

/// The interaction's plain text.
#[utoipa::path(get, path = "/compat/genesys-ucs/interactions/{interactionId}/plain_text",
    params(
        ("ContactCenterId" = Option<String>, Header,
            description = "The tenant; needed when the credential grants several"),
        ("interactionId" = String, Path, description = "The interaction"),
    ),
    responses((status = 200, body = String, content_type = "text/plain", description = "The plain text"), UcsError),
    security(("basic" = []), ("bearer" = [])))]
async fn plain_text(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, UcsError> {
    let (_, record) = record(&state, principal, &headers, id).await?;
    let text = record
        .content
        .plain_text
        .ok_or_else(|| not_found("plain text"))?;
    Ok((
        [(CONTENT_TYPE, "text/plain; charset=utf-8".to_string())],
        text,
    )
        .into_response())
}

/// The interaction's structured text.
#[utoipa::path(get, path = "/compat/genesys-ucs/interactions/{interactionId}/structured_text",
    params(
        ("ContactCenterId" = Option<String>, Header,
            description = "The tenant; needed when the credential grants several"),
        ("interactionId" = String, Path, description = "The interaction"),
    ),
    responses((status = 200, description = "The structured text, with its own Content-Type"), UcsError),
    security(("basic" = []), ("bearer" = [])))]
async fn structured_text(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, UcsError> {
    let (_, record) = record(&state, principal, &headers, id).await?;
    let structured = record
        .content
        .structured_text
        .ok_or_else(|| not_found("structured text"))?;
    Ok(([(CONTENT_TYPE, structured.mime)], structured.body).into_response())
}

/// The interaction's (first) binary content.
#[utoipa::path(get, path = "/compat/genesys-ucs/interactions/{interactionId}/binary_content",
    params(
        ("ContactCenterId" = Option<String>, Header,
            description = "The tenant; needed when the credential grants several"),
        ("interactionId" = String, Path, description = "The interaction"),
    ),
    responses((status = 200, description = "The first binary, with its Content-Type"), UcsError),
    security(("basic" = []), ("bearer" = [])))]
async fn binary_content(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, UcsError> {
    let (tenant, record) = record(&state, principal, &headers, id).await?;
    let binary = record
        .content
        .binaries
        .first()
        .ok_or_else(|| not_found("binary content"))?;
    let stored = state
        .store
        .get_content(&tenant, &record.interaction_id, &binary.content_id)
        .await?;
    let stored = stored.ok_or_else(|| not_found("binary content"))?;
    Ok(([(CONTENT_TYPE, stored.mime)], stored.bytes).into_response())
}

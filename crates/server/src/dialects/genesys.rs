//! Genesys Context Services / UCS "Query Interactions", wire-compatible, under
//! `/compat/genesys-ucs`:
//! - `GET /customers/{customer_id}/interactions`: an array of Interaction Resources, newest first;
//! - `GET /services/{service_id}/interactions`: the same for a service, that is the
//!   interactions linked to it by a `genesys-service` hook whose `hookId` is the service id
//!   (`interlog_dialects::genesys::SERVICE_HOOK_TYPE`: a filter on the hook index; Interlog
//!   has no service record, so a service no interaction is linked to is a 404);
//! - `GET /interactions/{interaction_id}`: one resource;
//! - `GET /interactions/{id}/plain_text`, `/structured_text`, `/binary_content`: the content,
//!   which the resource only links to (absolute URLs with underscores: the seed's
//!   `plain text` and `binary content` spellings are typesetting slips).
//!
//! Every route also answers under `/genesys/1/cs` (the UCS `cview/base_url` that aligns it
//! with Context Services hosted on GMS), e.g. `/compat/genesys-ucs/genesys/1/cs/interactions/{id}`;
//! a resource links to its content under the prefix it was asked for. So that each handler
//! is registered once for both, the annotations' paths are relative to the prefix and
//! [`routes`] nests them twice (the GMS twin's operation ids start with `gms_`).
//!
//! The tenant is the `ContactCenterId` header (8.5 multi-tenancy), else the credential's only
//! tenant. Errors are `{"message", "exception"}` as the 8.5 documentation shows.

use axum::extract::{NestedPath, Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use interlog_core::query::{HookFilter, InteractionQuery};
use interlog_core::record::Interaction;
use interlog_core::{CustomerId, TenantId};
use interlog_dialects::genesys::error::{self, not_found};
use interlog_dialects::genesys::{render, SERVICE_HOOK_TYPE};
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
/// Where Context Services hosted on GMS has the same routes, under [`PREFIX`].
const GMS: &str = "/genesys/1/cs";
/// The most interactions one customer or service query answers (the newest ones).
const MAX_LISTED_INTERACTIONS: usize = 10_000;

const DOC: DialectDoc = DialectDoc {
    base: PREFIX,
    title: "Interlog: Genesys UCS Query Interactions",
    description: "Interaction Resources of Genesys Context Services / UCS, with their content \
                  at the resource's links. A service's interactions are those linked to it by \
                  a CRM hook of type `genesys-service` whose `hookId` is the service id (404 \
                  when none is). Every route also answers under `/genesys/1/cs` (Context \
                  Services on GMS), and its resources then link under that prefix. The tenant \
                  is the `ContactCenterId` header, else the credential's only tenant. \
                  Credentials: HTTP Basic (an API key) or a JWT.",
    security: &[("basic", Credential::Basic), ("bearer", Credential::Bearer)],
};

/// The routes under [`PREFIX`] and again under `{PREFIX}{GMS}`, both documented.
pub(super) fn routes() -> Router<AppState> {
    let api = OpenApiRouter::new()
        .routes(routes!(customer_interactions))
        .routes(routes!(service_interactions))
        .routes(routes!(interaction))
        .routes(routes!(plain_text))
        .routes(routes!(structured_text))
        .routes(routes!(binary_content));
    let gms = with_operation_ids_prefixed(api.clone(), "gms_");
    let routes = OpenApiRouter::new()
        .nest(PREFIX, api)
        .nest(&format!("{PREFIX}{GMS}"), gms);
    documented(&DOC, routes)
}

/// `api` with `prefix` before each operation id: ids are unique within a document.
fn with_operation_ids_prefixed(
    mut api: OpenApiRouter<AppState>,
    prefix: &str,
) -> OpenApiRouter<AppState> {
    for item in api.get_openapi_mut().paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            if let Some(id) = &mut operation.operation_id {
                *id = format!("{prefix}{id}");
            }
        }
    }
    api
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

/// The absolute URL of the prefix the request came under (the resources' links go there).
fn dialect_base(state: &AppState, headers: &HeaderMap, prefix: &NestedPath) -> String {
    format!("{}{}", base_url(state, headers), prefix.as_str())
}

/// One Interaction Resource.
#[utoipa::path(get, path = "/interactions/{interactionId}",
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
    prefix: NestedPath,
    Path(id): Path<String>,
) -> Result<Json<Value>, UcsError> {
    let (_, record) = record(&state, principal, &headers, id).await?;
    let base = dialect_base(&state, &headers, &prefix);
    Ok(Json(render::render_resource(&record, &base)))
}

/// The resources of the interactions `query` filters, newest first, a keyset page at a
/// time, up to a bound that keeps one answer a sane size.
async fn resources(
    state: &AppState,
    tenant: &TenantId,
    mut query: InteractionQuery,
    base: &str,
) -> Result<Vec<Value>, UcsError> {
    query.limit = 1000;
    let mut resources = Vec::new();
    while resources.len() < MAX_LISTED_INTERACTIONS {
        let page = state.store.list_interactions(tenant, &query).await?;
        resources.extend(page.items.iter().map(|r| render::render_resource(r, base)));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    resources.truncate(MAX_LISTED_INTERACTIONS);
    Ok(resources)
}

/// A customer's Interaction Resources, newest first.
#[utoipa::path(get, path = "/customers/{customerId}/interactions",
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
    prefix: NestedPath,
    Path(customer): Path<String>,
) -> Result<Json<Value>, UcsError> {
    let tenant = tenant(principal, &headers)?;
    let customer =
        CustomerId::parse(customer).map_err(|e| error::error(400, format!("customer_id: {e}")))?;
    let query = InteractionQuery {
        customer: Some(customer),
        ..InteractionQuery::default()
    };
    let base = dialect_base(&state, &headers, &prefix);
    Ok(Json(Value::Array(
        resources(&state, &tenant, query, &base).await?,
    )))
}

/// A service's Interaction Resources, newest first: those linked to it by a
/// `genesys-service` hook; 404 when none is.
#[utoipa::path(get, path = "/services/{serviceId}/interactions",
    params(
        ("ContactCenterId" = Option<String>, Header,
            description = "The tenant; needed when the credential grants several"),
        ("serviceId" = String, Path,
            description = "The service: the `hookId` of the interactions' `genesys-service` hook"),
    ),
    responses((status = 200, body = Vec<Object>, description = "Interaction Resources, newest first"), UcsError),
    security(("basic" = []), ("bearer" = [])))]
async fn service_interactions(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    prefix: NestedPath,
    Path(service): Path<String>,
) -> Result<Json<Value>, UcsError> {
    let tenant = tenant(principal, &headers)?;
    let hook = HookFilter {
        hook_type: Some(SERVICE_HOOK_TYPE.into()),
        hook_id: Some(service.clone()),
        ..HookFilter::default()
    };
    let query = InteractionQuery {
        hooks: vec![hook],
        ..InteractionQuery::default()
    };
    let base = dialect_base(&state, &headers, &prefix);
    let resources = resources(&state, &tenant, query, &base).await?;
    if resources.is_empty() {
        return Err(not_found(&format!("service {service}")).into());
    }
    Ok(Json(Value::Array(resources)))
}

/// The interaction's plain text.
#[utoipa::path(get, path = "/interactions/{interactionId}/plain_text",
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
#[utoipa::path(get, path = "/interactions/{interactionId}/structured_text",
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
#[utoipa::path(get, path = "/interactions/{interactionId}/binary_content",
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

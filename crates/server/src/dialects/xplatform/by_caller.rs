//! The history routes addressed by caller attribute rather than by unique id:
//! `interactiondata/{attr}/fullFlow/byCallerAttribute`, `.../summary/byCallerAttribute` and
//! `.../variableSet/{set}/byCallerAttribute`, each with `widerSearch=true|false`.
//!
//! `widerSearch=false` (the default) takes the attribute as a history search id;
//! `widerSearch=true` as any caller key (DTMF, call return, click-to-call, allocated DNIS
//! phone by number or DNID, history search id), the latest interaction winning
//! (`interlog_dialects::xplatform::searched_kinds` says why). They answer what the by-uid
//! routes answer for the interaction found, with the same credentials, `Tenant-Id` rule
//! and plain-text errors.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use interlog_core::query::CallerKeyKind;
use interlog_core::record::Interaction;
use interlog_core::TenantId;
use interlog_dialects::xplatform::error::text;
use interlog_dialects::xplatform::{render, searched_kinds};
use interlog_dialects::VendorError;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::{authorize, check_version, VariableSetPath, XpError};
use crate::auth::{Principal, Scope};
use crate::dialects::{each_parameter, RawQuery};
use crate::error::ApiError;
use crate::state::AppState;

/// `.../version/{version}/account/{account}/interactiondata/{attr}/...`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(super) struct AttributePath {
    /// The API version: `2` or `v2`.
    version: String,
    /// The account (the tenant); `Tenant-Id` must name it too.
    account: String,
    /// The caller attribute: a history search id, or with `widerSearch=true` any caller
    /// key (DTMF code, call-return number, click-to-call caller id, allocated phone).
    attr: String,
}

/// `widerSearch`, the only parameter: `true` or `false` (the default).
fn wider_search(query: RawQuery) -> Result<bool, VendorError> {
    let invalid = || text(400, "missing or invalid parameter widerSearch");
    let mut wider = false;
    each_parameter(
        query,
        |_| invalid(),
        |name, value| {
            if name != "widerSearch" {
                return Ok(false);
            }
            wider = match value.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => return Err(invalid()),
            };
            Ok(true)
        },
    )?;
    Ok(wider)
}

/// The latest interaction the attribute points to, once version, credentials and account
/// check out.
async fn by_attribute(
    state: &AppState,
    principal: Result<Principal, ApiError>,
    headers: &HeaderMap,
    path: &AttributePath,
    query: RawQuery,
) -> Result<Interaction, XpError> {
    check_version(&path.version)?;
    let tenant = authorize(principal, headers, Some(&path.account), Scope::Read)?;
    let wider = wider_search(query)?;
    let kind = if wider {
        "caller attribute"
    } else {
        "historySearchId"
    };
    let missing = || {
        text(
            404,
            format!("No interaction was found for {kind} {}", path.attr),
        )
    };
    Ok(latest(state, &tenant, wider, &path.attr)
        .await?
        .ok_or_else(missing)?)
}

/// The values a kind is looked up by: the attribute, and for the allocated phone also the
/// number that the attribute names as a DNID in the DNIS pool.
async fn key_values(
    state: &AppState,
    tenant: &TenantId,
    kind: CallerKeyKind,
    value: &str,
) -> Result<Vec<String>, XpError> {
    let mut values = vec![value.to_string()];
    if kind == CallerKeyKind::AllocatedPhone {
        let timeout = state.dnis_timeout.as_millis() as i64;
        let now = chrono::Utc::now().timestamp_millis();
        let phone = state
            .store
            .dnis_allocation(tenant, value, now, timeout)
            .await?;
        values.extend(phone.map(|p| p.phone_number).filter(|n| n != value));
    }
    Ok(values)
}

/// Of the interactions the kinds searched point to, the one that started last.
async fn latest(
    state: &AppState,
    tenant: &TenantId,
    wider: bool,
    value: &str,
) -> Result<Option<Interaction>, XpError> {
    let mut found: Option<Interaction> = None;
    let mut ids = Vec::new();
    for kind in searched_kinds(wider) {
        for value in key_values(state, tenant, *kind, value).await? {
            let id = state.store.lookup(tenant, *kind, &value).await?;
            ids.extend(id.filter(|id| !ids.contains(id)));
        }
    }
    for id in ids {
        let Some(record) = state.store.get_interaction(tenant, &id).await? else {
            continue;
        };
        let key = |r: &Interaction| (r.start_timestamp, r.interaction_id.to_string());
        if found.as_ref().is_none_or(|f| key(&record) > key(f)) {
            found = Some(record);
        }
    }
    Ok(found)
}

/// The whole flow of the session a caller attribute points to.
#[utoipa::path(get, path = "/compat/xplatform/interact/agent/version/{version}/account/{account}/interactiondata/{attr}/fullFlow/byCallerAttribute",
    params(
        AttributePath,
        ("Tenant-Id" = String, Header, description = "The tenant; must match the account"),
        ("widerSearch" = Option<bool>, Query,
            description = "true: match any caller key; false (default): the history search id"),
    ),
    responses((status = 200, body = Object, description = "The session's flow"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
pub(super) async fn full_flow_by_caller(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(path): Path<AttributePath>,
    query: RawQuery,
) -> Result<Json<Value>, XpError> {
    let record = by_attribute(&state, principal, &headers, &path, query).await?;
    Ok(Json(render::full_flow(&record)))
}

/// The summary of the session a caller attribute points to.
#[utoipa::path(get, path = "/compat/xplatform/interact/agent/version/{version}/account/{account}/interactiondata/{attr}/summary/byCallerAttribute",
    params(
        AttributePath,
        ("Tenant-Id" = String, Header, description = "The tenant; must match the account"),
        ("widerSearch" = Option<bool>, Query,
            description = "true: match any caller key; false (default): the history search id"),
    ),
    responses((status = 200, body = Object, description = "The summary"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
pub(super) async fn summary_by_caller(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(path): Path<AttributePath>,
    query: RawQuery,
) -> Result<Json<Value>, XpError> {
    let record = by_attribute(&state, principal, &headers, &path, query).await?;
    Ok(Json(render::summary(&record)))
}

/// One variable set of the session a caller attribute points to.
#[utoipa::path(get, path = "/compat/xplatform/interact/agent/version/{version}/account/{account}/interactiondata/{attr}/variableSet/{set}/byCallerAttribute",
    params(
        AttributePath,
        ("Tenant-Id" = String, Header, description = "The tenant; must match the account"),
        VariableSetPath,
        ("widerSearch" = Option<bool>, Query,
            description = "true: match any caller key; false (default): the history search id"),
    ),
    responses((status = 200, body = Object, description = "The variable set"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
pub(super) async fn variable_set_by_caller(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(path): Path<AttributePath>,
    Path(VariableSetPath { set }): Path<VariableSetPath>,
    query: RawQuery,
) -> Result<Json<Value>, XpError> {
    let record = by_attribute(&state, principal, &headers, &path, query).await?;
    let set = render::variable_set(&record, &set)
        .ok_or_else(|| text(404, format!("Variable set {set} was not found")))?;
    Ok(Json(set))
}

//! `/api/v1/admin/tenants/{tenant}/settings`: a tenant's settings (scope `admin`, for that
//! tenant).
//!
//! - `GET` answers the effective settings (defaults filled in for what was never set).
//! - `PUT` takes any subset of the fields (a merge: absent fields keep their value) and
//!   answers the new effective settings. A bad body stores nothing.
//!
//! Two concurrent `PUT`s of one tenant each read, merge and write the whole object: the
//! later write wins whole. Settings are an administrator's occasional change, so that is
//! accepted rather than locking.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use interlog_core::settings::{SettingsUpdate, TenantSettings};
use interlog_core::TenantId;
use serde_json::Value;

use super::paths::TenantPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// The tenant's effective settings.
pub(crate) async fn effective(
    state: &AppState,
    tenant: &TenantId,
) -> Result<TenantSettings, ApiError> {
    Ok(state
        .store
        .tenant_settings(tenant)
        .await?
        .unwrap_or_default())
}

/// Read a tenant's settings; fields never set show their defaults.
#[utoipa::path(get, path = "/api/v1/admin/tenants/{tenant}/settings", tag = "admin",
    params(TenantPath),
    responses((status = 200, body = TenantSettings, description = "The effective settings"),
        ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn get_settings(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
) -> Result<Json<TenantSettings>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    Ok(Json(effective(&state, &tenant).await?))
}

/// Change a tenant's settings: any subset of the fields; absent fields keep their value.
/// An unknown field or an invalid value is refused (400, naming the field) and nothing is
/// stored.
#[utoipa::path(put, path = "/api/v1/admin/tenants/{tenant}/settings", tag = "admin",
    params(TenantPath),
    request_body = SettingsUpdate,
    responses((status = 200, body = TenantSettings, description = "The new effective settings"),
        ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn put_settings(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<TenantSettings>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    let Json(body) = body.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let update = SettingsUpdate::parse(body)
        .map_err(|e| ApiError::invalid_parameter(&e.field, e.message))?;
    let settings = effective(&state, &tenant).await?.merged(&update);
    state.store.put_tenant_settings(&tenant, &settings).await?;
    tracing::info!(tenant = %tenant, "tenant settings changed");
    Ok(Json(settings))
}

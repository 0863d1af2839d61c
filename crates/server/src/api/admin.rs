//! `/api/v1/admin/keys`: manage API keys (scope `admin`, for the key's tenant).
//!
//! - `POST` `{"tenant", "scopes", "name"}` creates a key and answers its id and secret, once.
//! - `GET ?tenant=T` lists the tenant's keys (never their secrets).
//! - `DELETE /{keyId}?tenant=T` revokes one.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use interlog_core::{TenantId, Timestamp};
use interlog_store::ApiKeyRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::Params;
use super::paths::KeyPath;
use crate::auth::{keys, Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// A key to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    #[schema(value_type = TenantId, inline)]
    pub tenant: String,
    /// Scope names: interactions:read, interactions:write, interactions:reveal, admin.
    #[schema(value_type = Vec<Scope>, min_items = 1)]
    pub scopes: Vec<String>,
    /// A label to tell keys apart (no NUL character).
    #[schema(pattern = r"^[^\x00]*$")]
    pub name: Option<String>,
}

/// A key as listed; `secret` appears only in the answer to its creation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyView {
    pub id: String,
    pub tenant: TenantId,
    pub scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub created_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl KeyView {
    pub fn new(record: ApiKeyRecord, secret: Option<String>) -> Self {
        Self {
            id: record.key_id,
            tenant: record.tenant,
            scopes: record.scopes,
            name: record.name,
            created_at: Timestamp::from_millis(record.created_ms),
            revoked_at: record.revoked_ms.map(Timestamp::from_millis),
            secret,
        }
    }
}

/// Scope names, each one Interlog knows.
pub fn parse_scopes(names: &[String]) -> Result<Vec<Scope>, String> {
    if names.is_empty() {
        return Err("give at least one scope".into());
    }
    names
        .iter()
        .map(|n| {
            Scope::from_claim(n).ok_or_else(|| {
                format!("{n:?} is not interactions:read, interactions:write or admin")
            })
        })
        .collect()
}

/// Create an API key; the secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/admin/keys", tag = "admin",
    request_body = CreateKey,
    responses(
        (status = 201, body = KeyView, description = "The key, with its secret (shown once)"),
        ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn create_key(
    State(state): State<AppState>,
    principal: Principal,
    body: Result<Json<CreateKey>, JsonRejection>,
) -> Result<(StatusCode, Json<KeyView>), ApiError> {
    let Json(request) = body.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let tenant = principal.authorize(&request.tenant, Scope::Admin)?;
    let scopes =
        parse_scopes(&request.scopes).map_err(|e| ApiError::invalid_parameter("scopes", e))?;
    if request.name.as_ref().is_some_and(|n| n.contains('\0')) {
        return Err(ApiError::invalid_parameter(
            "name",
            interlog_core::NUL_REFUSED,
        ));
    }
    let key = keys::generate(
        tenant,
        &scopes,
        request.name,
        chrono::Utc::now().timestamp_millis(),
    );
    state.store.create_api_key(&key.record).await?;
    tracing::info!(key = %key.record.key_id, tenant = %key.record.tenant, "API key created");
    Ok((
        StatusCode::CREATED,
        Json(KeyView::new(key.record, Some(key.secret))),
    ))
}

/// The tenant whose keys a request is about (the admin routes are outside the tenant path).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct KeyTenant {
    /// The keys' tenant.
    #[param(value_type = TenantId, inline)]
    tenant: String,
}

impl KeyTenant {
    fn parse(
        query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    ) -> Result<Self, ApiError> {
        let mut params = Params::new(query)?;
        let tenant = params
            .take("tenant")?
            .ok_or_else(|| ApiError::invalid_parameter("tenant", "is required"))?;
        params.finish()?;
        Ok(Self { tenant })
    }
}

/// List a tenant's API keys (without secrets).
#[utoipa::path(get, path = "/api/v1/admin/keys", tag = "admin",
    params(KeyTenant),
    responses((status = 200, body = Vec<KeyView>, description = "The keys, oldest first"), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn list_keys(
    State(state): State<AppState>,
    principal: Principal,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Vec<KeyView>>, ApiError> {
    let tenant = principal.authorize(&KeyTenant::parse(query)?.tenant, Scope::Admin)?;
    let keys = state.store.list_api_keys(&tenant).await?;
    Ok(Json(
        keys.into_iter().map(|k| KeyView::new(k, None)).collect(),
    ))
}

/// Revoke an API key; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/admin/keys/{keyId}", tag = "admin",
    params(KeyPath, KeyTenant),
    responses((status = 204, description = "Revoked"), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn revoke_key(
    State(state): State<AppState>,
    principal: Principal,
    Path(KeyPath { key_id }): Path<KeyPath>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let tenant = principal.authorize(&KeyTenant::parse(query)?.tenant, Scope::Admin)?;
    if state.store.revoke_api_key(&tenant, &key_id).await? {
        tracing::info!(key = %key_id, tenant = %tenant, "API key revoked");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!(
            "tenant {tenant} has no live key {key_id}"
        )))
    }
}

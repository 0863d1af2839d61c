//! `GET /api/v1/tenants/{tenant}/audit` (scope `admin`): the tenant's audit trail, newest
//! first, filtered and keyset-paged. Entries hold who, what, when, from where and the
//! outcome, never interaction content.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use interlog_core::Timestamp;
use interlog_store::{AuditEntry, AuditQuery};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::params::{check_window, Params};
use super::paths::TenantPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// The audit query's parameters.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// Entries at or after this instant (RFC 3339).
    from: Option<Timestamp>,
    /// Entries before this instant (RFC 3339).
    to: Option<Timestamp>,
    /// Only this principal's (a token's subject, an API key's id, or `anonymous`).
    #[param(min_length = 1)]
    principal: Option<String>,
    /// Only those that named this interaction.
    #[param(min_length = 1)]
    interaction: Option<String>,
    /// Only this action: the method and route template, as entries show it.
    #[param(min_length = 1)]
    action: Option<String>,
    /// 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// One audited request.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    pub at: Timestamp,
    pub request_id: String,
    /// A token's subject, an API key's id, or `anonymous`.
    pub principal: String,
    /// The method and route template (`GET /api/v1/tenants/:tenant/interactions/:interactionId`).
    pub action: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction_id: Option<String>,
    /// SHA-256 of the tenant and the search terms, when the request searched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// A page of entries.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    /// Pass as `cursor` for older entries; `null` on the last page.
    pub next_cursor: Option<String>,
}

fn view(entry: AuditEntry) -> AuditView {
    AuditView {
        at: Timestamp::from_millis(entry.at_ms),
        request_id: entry.request_id,
        principal: entry.principal,
        action: entry.action,
        status: entry.status,
        interaction_id: entry.interaction,
        query_hash: entry.query_hash,
        client: entry.client,
        user_agent: entry.user_agent,
    }
}

impl AuditParams {
    fn parse(params: &mut Params) -> Result<Self, ApiError> {
        let text = |raw: &str| Ok(raw.to_string());
        Ok(Self {
            from: params.timestamp("from")?,
            to: params.timestamp("to")?,
            principal: params.parsed("principal", text)?,
            interaction: params.parsed("interaction", text)?,
            action: params.parsed("action", text)?,
            limit: Some(params.limit(100, 1000)?),
            cursor: params.parsed("cursor", text)?,
        })
    }

    fn query(self) -> Result<AuditQuery, ApiError> {
        check_window(self.from, self.to)?;
        let before_id = (self.cursor.as_deref().map(decode_cursor))
            .transpose()
            .map_err(|e| ApiError::invalid_parameter("cursor", e))?;
        Ok(AuditQuery {
            from_ms: self.from.map(Timestamp::millis),
            to_ms: self.to.map(Timestamp::millis),
            principal: self.principal,
            interaction: self.interaction,
            action: self.action,
            limit: self.limit.unwrap_or(100),
            before_id,
        })
    }
}

fn decode_cursor(raw: &str) -> Result<i64, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(raw)
        .map_err(|_| "is not a cursor this API gave")?;
    let text = String::from_utf8(bytes).map_err(|_| "is not a cursor this API gave")?;
    (text.strip_prefix("audit:"))
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| "is not a cursor this API gave".into())
}

/// The audit trail: every request to the native API and the dialects that named this
/// tenant (or came with its credential), newest first. Reading it is audited too.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/audit", tag = "admin",
    params(TenantPath, AuditParams),
    responses((status = 200, body = AuditPage), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn list_audit(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<AuditPage>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    let mut params = Params::new(query)?;
    let query = AuditParams::parse(&mut params)?.query()?;
    params.finish()?;
    let (entries, next) = state.store.audit_entries(tenant.as_str(), &query).await?;
    Ok(Json(AuditPage {
        items: entries.into_iter().map(view).collect(),
        next_cursor: next.map(|id| URL_SAFE_NO_PAD.encode(format!("audit:{id}"))),
    }))
}

//! `GET /api/v1/tenants/{tenant}/audit` (scope `admin`): the tenant's audit trail, newest
//! first, filtered and keyset-paged; and `GET .../audit/export`: every entry the same
//! filters match, streamed as NDJSON or CSV (for a SIEM or an auditor). Entries hold who,
//! what, when, from where and the outcome, never interaction content.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use interlog_core::{csv, Timestamp};
use interlog_store::export::ExportFormat;
use interlog_store::{AuditEntry, AuditQuery, Store, StoreError};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::export::{self, ExportFormatParam};
use super::params::{check_window, Params};
use super::paths::TenantPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// Which entries: the list's and the export's filters.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditFilters {
    /// Entries at or after this instant (RFC 3339).
    from: Option<Timestamp>,
    /// Entries before this instant (RFC 3339).
    to: Option<Timestamp>,
    /// Only this principal's (a token's subject, an API key's id, or `anonymous`).
    #[param(min_length = 1, pattern = r"^[^\x00]*$")]
    principal: Option<String>,
    /// Only those that named this interaction.
    #[param(min_length = 1, pattern = r"^[^\x00]*$")]
    interaction: Option<String>,
    /// Only this action: the method and route template, as entries show it.
    #[param(min_length = 1, pattern = r"^[^\x00]*$")]
    action: Option<String>,
}

/// One page of the list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read through `Params`; the struct documents them
pub(crate) struct AuditPaging {
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

impl AuditFilters {
    /// The filters as a query for the first `limit` entries.
    fn parse(params: &mut Params, limit: u32) -> Result<AuditQuery, ApiError> {
        let filters = Self {
            from: params.timestamp("from")?,
            to: params.timestamp("to")?,
            principal: params.text("principal")?,
            interaction: params.text("interaction")?,
            action: params.text("action")?,
        };
        check_window(filters.from, filters.to)?;
        Ok(AuditQuery {
            from_ms: filters.from.map(Timestamp::millis),
            to_ms: filters.to.map(Timestamp::millis),
            principal: filters.principal,
            interaction: filters.interaction,
            action: filters.action,
            limit,
            before_id: None,
        })
    }
}

impl AuditPaging {
    /// The list's query: the filters, the page's size and where it starts.
    fn parse(params: &mut Params) -> Result<AuditQuery, ApiError> {
        let limit = params.limit(100, 1000)?;
        let mut query = AuditFilters::parse(params, limit)?;
        let cursor = params.text("cursor")?;
        query.before_id = (cursor.as_deref().map(decode_cursor))
            .transpose()
            .map_err(|e| ApiError::invalid_parameter("cursor", e))?;
        Ok(query)
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
    params(TenantPath, AuditFilters, AuditPaging),
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
    let query = AuditPaging::parse(&mut params)?;
    params.finish()?;
    let (entries, next) = state.store.audit_entries(tenant.as_str(), &query).await?;
    Ok(Json(AuditPage {
        items: entries.into_iter().map(view).collect(),
        next_cursor: next.map(|id| URL_SAFE_NO_PAD.encode(format!("audit:{id}"))),
    }))
}

/// Entries read per page of an export.
const EXPORT_PAGE: u32 = 1000;

/// The CSV export's columns, in order.
const CSV_COLUMNS: [&str; 9] = [
    "at",
    "requestId",
    "principal",
    "action",
    "status",
    "interactionId",
    "queryHash",
    "client",
    "userAgent",
];

/// One entry as a line of the export.
fn export_line(entry: AuditEntry, format: ExportFormat) -> String {
    let view = view(entry);
    match format {
        ExportFormat::Ndjson => serde_json::to_string(&view).unwrap_or_default() + "\n",
        ExportFormat::Csv => csv::line([
            view.at.to_string(),
            csv::text(&view.request_id),
            csv::text(&view.principal),
            csv::text(&view.action),
            view.status.to_string(),
            csv::text(view.interaction_id.as_deref().unwrap_or_default()),
            view.query_hash.unwrap_or_default(),
            csv::text(view.client.as_deref().unwrap_or_default()),
            csv::text(view.user_agent.as_deref().unwrap_or_default()),
        ]),
    }
}

/// Export the audit trail: every entry the filters match, newest first, streamed as NDJSON
/// (one entry per line, as the list shows it) or CSV (the columns `at`, `requestId`,
/// `principal`, `action`, `status`, `interactionId`, `queryHash`, `client`, `userAgent`).
/// Should the store fail part-way, the response is cut off without its final chunk.
/// Exporting is audited too.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/audit/export", tag = "admin",
    params(TenantPath, AuditFilters, ExportFormatParam),
    responses(
        (status = 200, description = "The entries, one per line (NDJSON) or row (CSV)",
            content((String = "application/x-ndjson"), (String = "text/csv"))),
        ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn export_audit(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    let mut params = Params::new(query)?;
    let query = AuditFilters::parse(&mut params, EXPORT_PAGE)?;
    let format = export::format(&mut params, &headers)?;
    params.finish()?;
    let headers = export::attachment(format, &format!("{tenant}-audit"));
    let pages = export_pages(state.store.clone(), tenant.to_string(), query, format);
    Ok((headers, Body::from_stream(pages)).into_response())
}

/// The export's pages as a stream (the CSV header first); after an error it ends.
fn export_pages(
    store: Arc<dyn Store>,
    tenant: String,
    query: AuditQuery,
    format: ExportFormat,
) -> impl futures_util::Stream<Item = Result<Bytes, StoreError>> {
    let header = match format {
        ExportFormat::Csv => csv::line(CSV_COLUMNS),
        ExportFormat::Ndjson => String::new(),
    };
    futures_util::stream::unfold(Some((query, header)), move |state| {
        let (store, tenant) = (store.clone(), tenant.clone());
        async move {
            let (mut query, mut text) = state?;
            match store.audit_entries(&tenant, &query).await {
                Ok((entries, next)) => {
                    entries
                        .into_iter()
                        .for_each(|e| text.push_str(&export_line(e, format)));
                    let rest = next.map(|id| {
                        query.before_id = Some(id);
                        (query, String::new())
                    });
                    Some((Ok(Bytes::from(text)), rest))
                }
                Err(e) => {
                    tracing::error!(error = %e, "an audit export stopped part-way");
                    Some((Err(e), None))
                }
            }
        }
    })
}

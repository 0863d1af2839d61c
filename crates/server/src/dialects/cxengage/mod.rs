//! CxEngage (Serenova) reporting API for interactions, wire-compatible, under
//! `/compat/cxengage/v1/tenants/{tenantId}`:
//! - `GET /interactions/{interactionId}`: the interaction document of the seed;
//! - `GET /interactions`: the list/search envelope `{page, limit, offset, tenantId, total, results}`;
//! - `GET /contacts/{contactId}/interactions`: a contact's history.
//!
//! Interlog's choices where the vendor is silent: errors are `{"code": <status>, "error":
//! <reason>, "message": <what is wrong>}`; lists are newest first and page-numbered (`page`
//! from 0, `limit` default 10, max 1000, or 100 for contact history) as the vendor's are;
//! `green=false` keeps null and empty fields, as the vendor's example shows.

pub mod import;
pub mod render;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use interlog_core::query::{HookFilter, InteractionQuery, Order};
use interlog_core::{InteractionId, TenantId, Timestamp};
use serde_json::{json, Value};

use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    let base = "/compat/cxengage/v1/tenants/{tenant}";
    Router::new()
        .route(&format!("{base}/interactions"), get(list_interactions))
        .route(
            &format!("{base}/interactions/{{interaction_id}}"),
            get(get_interaction),
        )
        .route(
            &format!("{base}/contacts/{{contact_id}}/interactions"),
            get(contact_history),
        )
}

/// An error as CxEngage clients get it.
#[derive(Debug)]
struct CxError(StatusCode, String);

impl CxError {
    fn bad_request(message: impl Into<String>) -> Self {
        Self(StatusCode::BAD_REQUEST, message.into())
    }
}

impl From<ApiError> for CxError {
    fn from(error: ApiError) -> Self {
        Self(error.status(), error.message().to_string())
    }
}

impl IntoResponse for CxError {
    fn into_response(self) -> Response {
        let reason = self.0.canonical_reason().unwrap_or("Error");
        (
            self.0,
            Json(json!({"code": self.0.as_u16(), "error": reason, "message": self.1})),
        )
            .into_response()
    }
}

fn authorize(principal: Result<Principal, ApiError>, tenant: &str) -> Result<TenantId, CxError> {
    Ok(principal?.authorize(tenant, Scope::Read)?)
}

async fn get_interaction(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((tenant, id)): Path<(String, String)>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, CxError> {
    let tenant = authorize(principal, &tenant)?;
    let Query(pairs) = query.map_err(|e| CxError::bad_request(e.body_text()))?;
    let mut include_nulls = false;
    for (name, value) in pairs {
        match name.as_str() {
            "green" => include_nulls = value == "false",
            _ => {
                return Err(CxError::bad_request(format!(
                    "{name} is not a parameter of this endpoint"
                )))
            }
        }
    }
    let not_found = || CxError(StatusCode::NOT_FOUND, format!("interaction {id} not found"));
    let id = InteractionId::parse(id.clone()).map_err(|_| not_found())?;
    let record = state
        .store
        .get_interaction(&tenant, &id)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(not_found)?;
    Ok(Json(render::render_interaction(&record, include_nulls)))
}

/// Page-numbered paging: `page` from 0, `limit` within `max`.
struct Paging {
    page: Option<u64>,
    limit: u32,
}

impl Paging {
    fn offset(&self) -> u64 {
        self.page.unwrap_or(0) * u64::from(self.limit)
    }
}

fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, CxError> {
    value
        .parse()
        .map_err(|_| CxError::bad_request(format!("{name} must be a non-negative integer")))
}

fn time(name: &str, value: &str) -> Result<Timestamp, CxError> {
    // The vendor's own example writes midnight as T24:00:00; accept it as the next day.
    let normalised = match value.split_once("T24:00:00") {
        Some((date, rest)) => chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.succ_opt())
            .map(|next| format!("{next}T00:00:00{rest}")),
        None => None,
    };
    Timestamp::parse(normalised.as_deref().unwrap_or(value))
        .map_err(|e| CxError::bad_request(format!("{name}: {e}")))
}

async fn list_interactions(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path(tenant): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, CxError> {
    let tenant = authorize(principal, &tenant)?;
    let Query(pairs) = query.map_err(|e| CxError::bad_request(e.body_text()))?;
    let mut paging = Paging {
        page: None,
        limit: 10,
    };
    let mut q = InteractionQuery {
        order: Order::Desc,
        ..InteractionQuery::default()
    };
    let mut hook = HookFilter::default();
    let mut include_nulls = false;
    for (name, value) in pairs {
        match name.as_str() {
            "page" => paging.page = Some(number(&name, &value)?),
            "limit" => paging.limit = number(&name, &value)?,
            "start" | "startTimeRange" => q.from = Some(time(&name, &value)?),
            "end" | "endTimeRange" => q.to = Some(time(&name, &value)?),
            "contactId" => q.contact = Some(value),
            "hookType" | "type" => hook.hook_type = Some(value),
            "hookSubType" => hook.hook_sub_type = Some(value),
            "hookId" => hook.hook_id = Some(value),
            "hookName" | "hook-name" | "attribute-value" => q.hooks.push(HookFilter {
                hook_name: Some(value),
                ..HookFilter::default()
            }),
            "green" => include_nulls = value == "false",
            _ => {
                return Err(CxError::bad_request(format!(
                    "{name} is not a parameter of this endpoint"
                )))
            }
        }
    }
    if !(1..=1000).contains(&paging.limit) {
        return Err(CxError::bad_request("limit must be from 1 to 1000"));
    }
    if hook != HookFilter::default() {
        q.hooks.push(hook);
    }
    q.limit = paging.limit;
    q.offset = paging.offset();
    let total = state
        .store
        .count_interactions(&tenant, &q)
        .await
        .map_err(ApiError::from)?;
    let page = state
        .store
        .list_interactions(&tenant, &q)
        .await
        .map_err(ApiError::from)?;
    let results: Vec<Value> = page
        .items
        .iter()
        .map(|r| render::render_interaction(r, include_nulls))
        .collect();
    Ok(Json(json!({
        "page": paging.page, "limit": paging.limit, "offset": paging.offset(),
        "tenantId": tenant, "total": total, "results": results,
    })))
}

async fn contact_history(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((tenant, contact)): Path<(String, String)>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, CxError> {
    let tenant = authorize(principal, &tenant)?;
    let Query(pairs) = query.map_err(|e| CxError::bad_request(e.body_text()))?;
    let mut paging = Paging {
        page: None,
        limit: 10,
    };
    for (name, value) in pairs {
        match name.as_str() {
            "page" => paging.page = Some(number(&name, &value)?),
            "limit" => paging.limit = number(&name, &value)?,
            _ => {
                return Err(CxError::bad_request(format!(
                    "{name} is not a parameter of this endpoint"
                )))
            }
        }
    }
    if !(1..=100).contains(&paging.limit) {
        return Err(CxError::bad_request("limit must be from 1 to 100"));
    }
    let q = InteractionQuery {
        contact: Some(contact),
        limit: paging.limit,
        offset: paging.offset(),
        ..InteractionQuery::default()
    };
    let total = state
        .store
        .count_interactions(&tenant, &q)
        .await
        .map_err(ApiError::from)?;
    let page = state
        .store
        .list_interactions(&tenant, &q)
        .await
        .map_err(ApiError::from)?;
    let results: Vec<Value> = page.items.iter().map(render::render_contact_item).collect();
    Ok(Json(
        json!({"page": paging.page, "limit": paging.limit, "offset": paging.offset(), "total": total, "results": results}),
    ))
}

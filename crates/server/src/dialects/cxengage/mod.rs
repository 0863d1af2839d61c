//! CxEngage (Serenova) reporting API for interactions, wire-compatible, under
//! `/compat/cxengage/v1/tenants/{tenantId}`:
//! - `GET /interactions/{interactionId}`: the interaction document of the seed;
//! - `GET /interactions`: the list/search envelope `{page, limit, offset, tenantId, total, results}`;
//! - `GET /contacts/{contactId}/interactions`: a contact's history;
//! - `GET /interactions/{interactionId}/artifacts` (and `/artifacts/{artifactId}`) and
//!   `GET /interactions/{interactionId}/notes`: an interaction's recordings, transcript,
//!   stored binaries and notes (`artifacts.rs`);
//! - `GET /wfm/intervals/{queue|agent|agent-queue}`: WFM intervals from the report rollups
//!   (`wfm.rs`).
//!
//! Lists are newest first and page-numbered (`page` from 0, `limit` default 10, max 1000, or
//! 100 for contact history) as the vendor's are. The documents and the error body are
//! [`interlog_dialects::cxengage`].

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::{Json, Router};
use interlog_core::query::{HookFilter, InteractionQuery, Order};
use interlog_core::record::Interaction;
use interlog_core::{TenantId, Timestamp};
use interlog_dialects::cxengage::error::{self, bad_request};
use interlog_dialects::cxengage::{render, session};
use interlog_dialects::time::parse_lenient;
use interlog_dialects::VendorError;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod artifacts;
mod wfm;

use super::{
    authorize_read, documented, each_parameter, read_interaction, Credential, DialectDoc,
    DialectError, RawQuery, Vendor,
};
use crate::auth::{exchange, Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

pub(super) struct CxEngage;

impl Vendor for CxEngage {
    const FROM_NATIVE: fn(u16, &str, Option<&str>) -> VendorError = error::from_native;
}

type CxError = DialectError<CxEngage>;

const DOC: DialectDoc = DialectDoc {
    base: "/compat/cxengage/v1",
    title: "Interlog: CxEngage reporting API for interactions",
    description: "CxEngage's interaction documents, lists and contact history, served by \
                  Interlog. Lists are newest first and page-numbered (`page` from 0). \
                  Credentials: an Interlog API key as HTTP Basic (key id, secret), or a JWT.",
    security: &[
        ("token", Credential::Header("Authorization")),
        ("basic", Credential::Basic),
        ("bearer", Credential::Bearer),
    ],
};

/// A token request, as the vendor's SDKs send it: the API key's id as `username`, its
/// secret as `password`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct TokenRequest {
    /// The API key's id.
    username: String,
    /// The API key's secret.
    password: String,
    /// The tenant to work in; default the key's only tenant.
    tenant_id: Option<String>,
    /// Seconds the token lives: default 3600, at most 86400.
    ttl: Option<i64>,
}

/// Exchanges an API key for a token to send as `Authorization: Token <token>`.
#[utoipa::path(post, path = "/compat/cxengage/v1/tokens",
    request_body = TokenRequest,
    responses((status = 200, body = Object, description = "`{token, ttl}`"), CxError),
    security(()))]
async fn create_token(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, CxError> {
    let request: TokenRequest = serde_json::from_slice(&body)
        .map_err(|e| bad_request(format!("the body is not a token request: {e}")))?;
    let issued = state
        .auth
        .exchange(exchange::TokenRequest {
            key_id: &request.username,
            secret: &request.password,
            tenant: request.tenant_id.as_deref(),
            ttl: request.ttl,
            scopes: Vec::new(),
        })
        .await?;
    Ok(Json(session::token(&issued.token, issued.expires_in)))
}

/// The CxEngage permission a scope stands for (the vendor's name where it has one).
fn permission(scope: Scope) -> &'static str {
    match scope {
        Scope::Read => "INTERACTIONS_API_READ_ALL",
        other => other.name(),
    }
}

/// The user behind a token and their tenants, as the SDKs read them after a token request.
#[utoipa::path(post, path = "/compat/cxengage/v1/login",
    responses((status = 200, body = Object, description = "`{result: {userId, tenants}}`"), CxError),
    security(("token" = []), ("basic" = []), ("bearer" = [])))]
async fn login(principal: Result<Principal, ApiError>) -> Result<Json<Value>, CxError> {
    let principal = principal?;
    let permissions: Vec<&str> = principal.scopes.iter().map(|s| permission(*s)).collect();
    let tenants: Vec<session::TenantAccess> = principal
        .tenants
        .iter()
        .map(|tenant| session::TenantAccess {
            tenant_id: tenant.as_str(),
            permissions: permissions.clone(),
        })
        .collect();
    let user = principal.subject.as_deref().unwrap_or("");
    Ok(Json(session::login(user, &tenants)))
}

pub(super) fn routes() -> Router<AppState> {
    let routes = OpenApiRouter::new()
        .routes(routes!(create_token))
        .routes(routes!(login))
        .routes(routes!(list_interactions))
        .routes(routes!(get_interaction))
        .routes(routes!(contact_history))
        .routes(routes!(artifacts::list_artifacts))
        .routes(routes!(artifacts::get_artifact))
        .routes(routes!(artifacts::list_notes))
        .routes(routes!(wfm::wfm_intervals));
    documented(&DOC, routes)
}

/// Every parameter through `take` (unknown ones are ignored), errors in CxEngage's words.
fn parameters(
    query: RawQuery,
    take: impl FnMut(&str, String) -> Result<bool, CxError>,
) -> Result<(), CxError> {
    each_parameter(query, |e| bad_request(e.body_text()).into(), take)
}

/// `green=false` or `includenulls=true` keeps null and empty fields.
fn green(name: &str, value: &str, include_nulls: &mut bool) -> bool {
    match name {
        "green" => *include_nulls = value == "false",
        "includenulls" | "includeNulls" => *include_nulls = value == "true",
        _ => return false,
    }
    true
}

/// One interaction document (the seed's shape).
#[utoipa::path(get, path = "/compat/cxengage/v1/tenants/{tenant}/interactions/{interactionId}",
    params(
        ("tenant" = String, Path, description = "The tenant (CxEngage's tenantId)"),
        ("interactionId" = String, Path, description = "The interaction"),
        ("green" = Option<bool>, Query,
            description = "`false` keeps null and empty fields (default: left out)"),
        ("includenulls" = Option<bool>, Query,
            description = "`true` keeps null and empty fields, as `green=false` does"),
    ),
    responses((status = 200, body = Object, description = "The interaction document"), CxError),
    security(("token" = []), ("basic" = []), ("bearer" = [])))]
async fn get_interaction(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((tenant, id)): Path<(String, String)>,
    query: RawQuery,
) -> Result<Json<Value>, CxError> {
    let tenant = authorize_read(principal, &tenant)?;
    let mut include_nulls = false;
    parameters(query, |name, value| {
        Ok(green(name, &value, &mut include_nulls))
    })?;
    let missing = || error::not_found(format!("interaction {id} not found"));
    let record = read_interaction(&state, &tenant, &id, missing).await?;
    Ok(Json(render::render_interaction(&record, include_nulls)))
}

/// CxEngage's paging: `page` from 0, or `offset` (an absolute index, which wins), and
/// `limit` within a maximum; `limit=0` asks only for the `total`.
struct Paging {
    page: Option<u64>,
    offset: Option<u64>,
    limit: u32,
}

impl Paging {
    const DEFAULT: Self = Self {
        page: None,
        offset: None,
        limit: 10,
    };

    fn offset(&self) -> u64 {
        self.offset
            .unwrap_or_else(|| self.page.unwrap_or(0) * u64::from(self.limit))
    }

    /// Takes `page`, `offset` and `limit`; false for any other parameter.
    fn take(&mut self, name: &str, value: &str) -> Result<bool, CxError> {
        match name {
            "page" => self.page = Some(number(name, value)?),
            "offset" => self.offset = Some(number(name, value)?),
            "limit" => self.limit = number(name, value)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The query's page: its total and the records on the page, for a `limit` up to `max`.
    async fn read(
        &self,
        state: &AppState,
        tenant: &TenantId,
        mut query: InteractionQuery,
        max: u32,
    ) -> Result<(u64, Vec<Interaction>), CxError> {
        if self.limit > max {
            return Err(bad_request(format!("limit must be from 0 to {max}")).into());
        }
        let total = state.store.count_interactions(tenant, &query).await?;
        if self.limit == 0 {
            return Ok((total, Vec::new()));
        }
        query.limit = self.limit;
        query.offset = self.offset();
        let page = state.store.list_interactions(tenant, &query).await?;
        Ok((total, page.items))
    }

    /// The envelope's paging fields.
    fn envelope(&self, total: u64, results: Vec<Value>) -> Value {
        json!({
            "page": self.page, "limit": self.limit, "offset": self.offset(),
            "total": total, "results": results,
        })
    }
}

fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, CxError> {
    value
        .parse()
        .map_err(|_| bad_request(format!("{name} must be a non-negative integer")).into())
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
    parse_lenient(normalised.as_deref().unwrap_or(value))
        .map_err(|e| bad_request(format!("{name}: {e}")).into())
}

/// The list's filters: time range, contact, hooks.
fn filter(
    query: &mut InteractionQuery,
    hook: &mut HookFilter,
    name: &str,
    value: String,
) -> Result<bool, CxError> {
    match name {
        "start" | "startTimeRange" => query.from = Some(time(name, &value)?),
        "end" | "endTimeRange" => query.to = Some(time(name, &value)?),
        "contactId" => query.contact = Some(value),
        "hookType" | "type" => hook.hook_type = Some(value),
        "hookSubType" => hook.hook_sub_type = Some(value),
        "hookId" => hook.hook_id = Some(value),
        "hookName" | "hook-name" | "attribute-value" => query.hooks.push(HookFilter {
            hook_name: Some(value),
            ..HookFilter::default()
        }),
        _ => return Ok(false),
    }
    Ok(true)
}

/// The tenant's interactions, newest first, filtered, page-numbered.
#[utoipa::path(get, path = "/compat/cxengage/v1/tenants/{tenant}/interactions",
    params(
        ("tenant" = String, Path, description = "The tenant (CxEngage's tenantId)"),
        ("page" = Option<u64>, Query, description = "The page, from 0"),
        ("offset" = Option<u64>, Query,
            description = "The index of the first result (instead of `page`)"),
        ("limit" = Option<u32>, Query, maximum = 1000,
            description = "Page size; default 10; 0 answers only the total"),
        ("start" = Option<String>, Query,
            description = "Started at or after (ISO 8601; also `startTimeRange`)"),
        ("end" = Option<String>, Query,
            description = "Started before (ISO 8601, `T24:00:00` allowed; also `endTimeRange`)"),
        ("contactId" = Option<String>, Query, description = "The contact (customer)"),
        ("hookType" = Option<String>, Query, description = "A linked hook's type (also `type`)"),
        ("hookSubType" = Option<String>, Query, description = "A linked hook's subtype"),
        ("hookId" = Option<String>, Query, description = "A linked hook's id"),
        ("hookName" = Option<String>, Query,
            description = "A linked hook's name (also `hook-name`, `attribute-value`)"),
        ("green" = Option<bool>, Query,
            description = "`false` keeps null and empty fields (default: left out)"),
        ("includenulls" = Option<bool>, Query,
            description = "`true` keeps null and empty fields, as `green=false` does"),
    ),
    responses(
        (status = 200, body = Object,
            description = "`{page, limit, offset, tenantId, tenantName, tenantTimezone, total, results}`"),
        CxError),
    security(("token" = []), ("basic" = []), ("bearer" = [])))]
async fn list_interactions(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path(tenant): Path<String>,
    query: RawQuery,
) -> Result<Json<Value>, CxError> {
    let tenant = authorize_read(principal, &tenant)?;
    let mut paging = Paging::DEFAULT;
    let mut q = InteractionQuery {
        order: Order::Desc,
        ..InteractionQuery::default()
    };
    let mut hook = HookFilter::default();
    let mut include_nulls = false;
    parameters(query, |name, value| {
        Ok(paging.take(name, &value)?
            || green(name, &value, &mut include_nulls)
            || filter(&mut q, &mut hook, name, value)?)
    })?;
    if hook != HookFilter::default() {
        q.hooks.push(hook);
    }
    let (total, items) = paging.read(&state, &tenant, q, 1000).await?;
    let results: Vec<Value> = items
        .iter()
        .map(|r| render::render_interaction(r, include_nulls))
        .collect();
    let mut envelope = paging.envelope(total, results);
    // Interlog's tenants have no display name or zone of their own yet: the id, and UTC.
    envelope["tenantId"] = json!(tenant);
    envelope["tenantName"] = json!(tenant);
    envelope["tenantTimezone"] = json!("UTC");
    Ok(Json(envelope))
}

/// A contact's interactions, newest first, page-numbered.
#[utoipa::path(get, path = "/compat/cxengage/v1/tenants/{tenant}/contacts/{contactId}/interactions",
    params(
        ("tenant" = String, Path, description = "The tenant (CxEngage's tenantId)"),
        ("contactId" = String, Path, description = "The contact (customer)"),
        ("page" = Option<u64>, Query, description = "The page, from 0"),
        ("offset" = Option<u64>, Query,
            description = "The index of the first result (instead of `page`)"),
        ("limit" = Option<u32>, Query, maximum = 100,
            description = "Page size; default 10; 0 answers only the total"),
    ),
    responses(
        (status = 200, body = Object, description = "`{page, limit, offset, total, results}`"),
        CxError),
    security(("token" = []), ("basic" = []), ("bearer" = [])))]
async fn contact_history(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((tenant, contact)): Path<(String, String)>,
    query: RawQuery,
) -> Result<Json<Value>, CxError> {
    let tenant = authorize_read(principal, &tenant)?;
    let mut paging = Paging::DEFAULT;
    parameters(query, |name, value| paging.take(name, &value))?;
    let q = InteractionQuery {
        contact: Some(contact),
        ..InteractionQuery::default()
    };
    let (total, items) = paging.read(&state, &tenant, q, 100).await?;
    let results: Vec<Value> = items.iter().map(render::render_contact_item).collect();
    Ok(Json(paging.envelope(total, results)))
}

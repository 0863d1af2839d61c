//! Interaction lists: the whole tenant (`GET .../interactions`) and one customer's history
//! (`GET .../customers/{customerId}/interactions`), filtered and keyset-paged.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use interlog_core::query::{encode_cursor, InteractionQuery, Order, Page};
use interlog_core::{CustomerId, Interaction};
use serde::Serialize;
use utoipa::ToSchema;

use super::params::{Params, CHANNELS, DIRECTIONS};
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::openapi::ListParams;
use crate::state::AppState;

/// A page of items and the cursor of the next page (`null` on the last).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> ListResponse<T> {
    pub(crate) fn from_page<U>(page: Page<U>, order: Order, render: impl FnMut(U) -> T) -> Self {
        Self {
            items: page.items.into_iter().map(render).collect(),
            next_cursor: page.next.map(|position| encode_cursor(order, &position)),
        }
    }
}

/// A record as a list item: without its transcript unless `include=messages`.
pub(crate) fn list_item(mut record: Interaction, with_messages: bool) -> Interaction {
    if !with_messages {
        record.messages.clear();
    }
    record
}

/// `include`: only `messages` exists.
pub(crate) fn include_messages(params: &mut Params) -> Result<bool, ApiError> {
    let include = params.parsed("include", |raw| match raw {
        "messages" => Ok(true),
        other => Err(format!(
            "{other:?} cannot be included; the only choice is messages"
        )),
    })?;
    Ok(include.unwrap_or(false))
}

/// Reads the filters of the interaction lists (`customer` only where `customer` is None,
/// i.e. not already fixed by the path).
fn interaction_query(
    params: &mut Params,
    customer: Option<CustomerId>,
) -> Result<InteractionQuery, ApiError> {
    let order = params
        .choice::<Order>("order", &["asc", "desc"])?
        .unwrap_or_default();
    let customer = match customer {
        Some(fixed) => Some(fixed),
        None => params.parsed("customer", |raw| {
            CustomerId::parse(raw).map_err(|e| e.to_string())
        })?,
    };
    let query = InteractionQuery {
        from: params.timestamp("from")?,
        to: params.timestamp("to")?,
        customer,
        agent: params.parsed("agent", |raw| {
            interlog_core::AgentId::parse(raw).map_err(|e| e.to_string())
        })?,
        queue: params.parsed("queue", |raw| Ok(raw.to_string()))?,
        channel: params.choice("channel", CHANNELS)?,
        direction: params.choice("direction", DIRECTIONS)?,
        status: params.choice("status", &["active", "ended"])?,
        flagged: params.boolean("flagged")?,
        text: params.parsed("q", |raw| {
            if raw.trim().is_empty() {
                Err("must contain a word".into())
            } else {
                Ok(raw.to_string())
            }
        })?,
        order,
        limit: params.page_limit()?,
        after: params.cursor(order)?,
        ..InteractionQuery::default()
    };
    if let (Some(from), Some(to)) = (query.from, query.to) {
        if to <= from {
            return Err(ApiError::invalid_parameter("to", "must be later than from"));
        }
    }
    Ok(query)
}

async fn respond(
    state: &AppState,
    principal: &Principal,
    tenant: &str,
    mut params: Params,
    customer: Option<CustomerId>,
) -> Result<Json<ListResponse<Interaction>>, ApiError> {
    let tenant = principal.authorize(tenant, Scope::Read)?;
    let with_messages = include_messages(&mut params)?;
    let query = interaction_query(&mut params, customer)?;
    params.finish()?;
    let page = state.store.list_interactions(&tenant, &query).await?;
    Ok(Json(ListResponse::from_page(page, query.order, |record| {
        list_item(record, with_messages)
    })))
}

/// List the tenant's interactions by start time, filtered, keyset-paged.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/interactions", tag = "interactions",
    params(("tenant" = String, Path, description = "The tenant"), ListParams),
    responses((status = 200, body = ListResponse<Interaction>, description = "One page"), (status = "4XX", body = ErrorBody, description = "Bad input (400, naming the parameter or field), credentials (401, 403), missing (404), too large (413), wrong type (415)"), (status = "5XX", body = ErrorBody, description = "Server or database unavailable; details are in the log")),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn list_interactions(
    State(state): State<AppState>,
    principal: Principal,
    Path(tenant): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<ListResponse<Interaction>>, ApiError> {
    respond(&state, &principal, &tenant, Params::new(query)?, None).await
}

/// One customer's interaction history, with the filters and paging of the list.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/customers/{customerId}/interactions", tag = "interactions",
    params(("tenant" = String, Path, description = "The tenant"), ("customerId" = String, Path, description = "The customer's id (or address)"), ListParams),
    responses((status = 200, body = ListResponse<Interaction>, description = "One page"), (status = "4XX", body = ErrorBody, description = "Bad input (400, naming the parameter or field), credentials (401, 403), missing (404), too large (413), wrong type (415)"), (status = "5XX", body = ErrorBody, description = "Server or database unavailable; details are in the log")),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn list_customer_interactions(
    State(state): State<AppState>,
    principal: Principal,
    Path((tenant, customer)): Path<(String, String)>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<ListResponse<Interaction>>, ApiError> {
    let customer = CustomerId::parse(customer)
        .map_err(|e| ApiError::invalid_parameter("customerId", e.to_string()))?;
    let mut params = Params::new(query)?;
    if params.take("customer")?.is_some() {
        return Err(ApiError::invalid_parameter(
            "customer",
            "is given by the path on this route",
        ));
    }
    respond(&state, &principal, &tenant, params, Some(customer)).await
}

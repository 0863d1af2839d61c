//! Interaction lists: the whole tenant (`GET .../interactions`) and one customer's history
//! (`GET .../customers/{customerId}/interactions`), filtered and keyset-paged.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use interlog_core::query::{encode_cursor, InteractionQuery, Order, Page};
use interlog_core::{CustomerId, Interaction};
use serde::Serialize;
use serde_json::Value;

use super::params::{Params, CHANNELS, DIRECTIONS};
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// A page of items and the cursor of the next page (`null` on the last).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListResponse<T> {
    pub items: Vec<T>,
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
pub(crate) fn list_item(record: Interaction, with_messages: bool) -> Value {
    let mut item = serde_json::to_value(record).unwrap_or_default();
    if !with_messages {
        if let Some(fields) = item.as_object_mut() {
            fields.remove("messages");
        }
    }
    item
}

/// `include`: only `messages` exists.
pub(crate) fn include_messages(params: &mut Params) -> Result<bool, ApiError> {
    let include = params.parsed("include", |raw| match raw {
        "messages" => Ok(true),
        other => Err(format!("{other:?} cannot be included; the only choice is messages")),
    })?;
    Ok(include.unwrap_or(false))
}

/// Reads the filters of the interaction lists (`customer` only where `customer` is None,
/// i.e. not already fixed by the path).
fn interaction_query(params: &mut Params, customer: Option<CustomerId>) -> Result<InteractionQuery, ApiError> {
    let order = params.choice::<Order>("order", &["asc", "desc"])?.unwrap_or_default();
    let customer = match customer {
        Some(fixed) => Some(fixed),
        None => params.parsed("customer", |raw| CustomerId::parse(raw).map_err(|e| e.to_string()))?,
    };
    let query = InteractionQuery {
        from: params.timestamp("from")?,
        to: params.timestamp("to")?,
        customer,
        agent: params.parsed("agent", |raw| interlog_core::AgentId::parse(raw).map_err(|e| e.to_string()))?,
        queue: params.parsed("queue", |raw| Ok(raw.to_string()))?,
        channel: params.choice("channel", CHANNELS)?,
        direction: params.choice("direction", DIRECTIONS)?,
        status: params.choice("status", &["active", "ended"])?,
        flagged: params.boolean("flagged")?,
        text: params.parsed("q", |raw| {
            if raw.trim().is_empty() { Err("must contain a word".into()) } else { Ok(raw.to_string()) }
        })?,
        order,
        limit: params.page_limit()?,
        after: params.cursor(order)?,
    };
    if let (Some(from), Some(to)) = (query.from, query.to) {
        if to <= from {
            return Err(ApiError::invalid_parameter("to", "must be later than from"));
        }
    }
    Ok(query)
}

async fn respond(state: &AppState, principal: &Principal, tenant: &str, mut params: Params, customer: Option<CustomerId>) -> Result<Json<ListResponse<Value>>, ApiError> {
    let tenant = principal.authorize(tenant, Scope::Read)?;
    let with_messages = include_messages(&mut params)?;
    let query = interaction_query(&mut params, customer)?;
    params.finish()?;
    let page = state.store.list_interactions(&tenant, &query).await?;
    Ok(Json(ListResponse::from_page(page, query.order, |record| list_item(record, with_messages))))
}

pub(super) async fn list_interactions(
    State(state): State<AppState>,
    principal: Principal,
    Path(tenant): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<ListResponse<Value>>, ApiError> {
    respond(&state, &principal, &tenant, Params::new(query)?, None).await
}

pub(super) async fn list_customer_interactions(
    State(state): State<AppState>,
    principal: Principal,
    Path((tenant, customer)): Path<(String, String)>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<ListResponse<Value>>, ApiError> {
    let customer = CustomerId::parse(customer).map_err(|e| ApiError::invalid_parameter("customerId", e.to_string()))?;
    let mut params = Params::new(query)?;
    if params.take("customer")?.is_some() {
        return Err(ApiError::invalid_parameter("customer", "is given by the path on this route"));
    }
    respond(&state, &principal, &tenant, params, Some(customer)).await
}

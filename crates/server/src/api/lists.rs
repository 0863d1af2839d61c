//! Interaction lists: the whole tenant (`GET .../interactions`) and one customer's history
//! (`GET .../customers/{customerId}/interactions`), filtered and keyset-paged.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use interlog_core::query::{encode_cursor, InteractionQuery, Order, Page};
use interlog_core::record::{ChannelType, Direction, Status};
use interlog_core::{AgentId, CustomerId, Interaction, TenantId, Timestamp};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::page::PageParams;
use super::params::{check_window, Params, CHANNELS, DIRECTIONS};
use super::paths::{CustomerPath, TenantPath};
use super::stored::{stored_page, StoredJson};
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
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

/// The customer filter of the tenant-wide list (the customer route has it in its path).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CustomerFilter {
    /// The customer's id (or address).
    #[param(value_type = Option<CustomerId>, inline)]
    customer: Option<CustomerId>,
}

impl CustomerFilter {
    fn parse(params: &mut Params) -> Result<Self, ApiError> {
        let customer = params.parsed("customer", |raw| {
            CustomerId::parse(raw).map_err(|e| e.to_string())
        })?;
        Ok(Self { customer })
    }
}

/// Filters and order of the interaction lists (paging is `PageParams`).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListParams {
    /// Started at or after this instant (RFC 3339, any offset).
    from: Option<Timestamp>,
    /// Started before this instant; later than `from`.
    to: Option<Timestamp>,
    /// Interactions this agent was allocated to.
    #[param(value_type = Option<AgentId>, inline)]
    agent: Option<AgentId>,
    /// Interactions that entered this queue.
    #[param(min_length = 1, pattern = r"^[^\x00]*$")]
    queue: Option<String>,
    #[param(inline)]
    channel: Option<ChannelType>,
    #[param(inline)]
    direction: Option<Direction>,
    #[param(inline)]
    status: Option<Status>,
    /// Only interactions with (true) or without (false) flags.
    flagged: Option<bool>,
    /// Full-text search over transcript messages, notes and subject; every word must occur
    /// (whitespace and control characters separate words; no NUL, as in every parameter).
    #[param(pattern = r"^[^\x00]*[^\s\x00-\x1f\x7f-\x9f][^\x00]*$")]
    q: Option<String>,
    /// By start time; default desc (newest first).
    #[param(inline)]
    order: Option<Order>,
}

impl ListParams {
    fn parse(params: &mut Params) -> Result<Self, ApiError> {
        let list = Self {
            from: params.timestamp("from")?,
            to: params.timestamp("to")?,
            agent: params.parsed("agent", |raw| {
                AgentId::parse(raw).map_err(|e| e.to_string())
            })?,
            queue: params.text("queue")?,
            channel: params.choice("channel", CHANNELS)?,
            direction: params.choice("direction", DIRECTIONS)?,
            status: params.choice("status", &["active", "ended"])?,
            flagged: params.boolean("flagged")?,
            q: params.parsed("q", |raw| {
                if !raw.chars().any(|c| !c.is_whitespace() && !c.is_control()) {
                    Err(
                        "must contain a word (whitespace and control characters separate words)"
                            .into(),
                    )
                } else {
                    Ok(raw.to_string())
                }
            })?,
            order: params.choice::<Order>("order", &["asc", "desc"])?,
        };
        check_window(list.from, list.to)?;
        Ok(list)
    }

    fn into_query(self, customer: Option<CustomerId>, page: &PageParams) -> InteractionQuery {
        InteractionQuery {
            from: self.from,
            to: self.to,
            customer,
            agent: self.agent,
            queue: self.queue,
            channel: self.channel,
            direction: self.direction,
            status: self.status,
            flagged: self.flagged,
            text: self.q,
            order: self.order.unwrap_or_default(),
            limit: page.limit,
            after: page.cursor.clone(),
            ..InteractionQuery::default()
        }
    }
}

/// Reads the filters and the page, refusing any other parameter, and answers the page.
async fn respond(
    state: &AppState,
    tenant: &TenantId,
    mut params: Params,
    customer: Option<CustomerId>,
) -> Result<StoredJson, ApiError> {
    let list = ListParams::parse(&mut params)?;
    let page = PageParams::parse(&mut params, list.order.unwrap_or_default())?;
    params.finish()?;
    let query = list.into_query(customer, &page);
    let items = state
        .store
        .list_interactions_json(tenant, &query, page.with_messages())
        .await?;
    Ok(stored_page(items, query.order))
}

/// List the tenant's interactions by start time, filtered, keyset-paged.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/interactions", tag = "interactions",
    params(TenantPath, CustomerFilter, ListParams, PageParams),
    responses((status = 200, body = ListResponse<Interaction>, description = "One page"), ApiError),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn list_interactions(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<StoredJson, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Read)?;
    let mut params = Params::new(query)?;
    let customer = CustomerFilter::parse(&mut params)?;
    respond(&state, &tenant, params, customer.customer).await
}

/// One customer's interaction history, with the filters and paging of the list.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/customers/{customerId}/interactions",
    tag = "interactions",
    params(CustomerPath, ListParams, PageParams),
    responses((status = 200, body = ListResponse<Interaction>, description = "One page"), ApiError),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn list_customer_interactions(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<CustomerPath>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<StoredJson, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Read)?;
    let customer = CustomerId::parse(path.customer_id)
        .map_err(|e| ApiError::invalid_parameter("customerId", e.to_string()))?;
    let mut params = Params::new(query)?;
    if params.take("customer")?.is_some() {
        return Err(ApiError::invalid_parameter(
            "customer",
            "is given by the path on this route",
        ));
    }
    respond(&state, &tenant, params, Some(customer)).await
}

//! `GET .../agents/{agentId}/interactions`: an agent's allocations, newest first — what the
//! agent is handling now (`active=true`) and what they handled last.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use interlog_core::query::{AgentInteraction, AgentQuery, Order, Position};
use interlog_core::record::{AgentAllocation, ChannelType};
use interlog_core::{AgentId, Interaction};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::lists::{include_messages, list_item, Include, ListResponse};
use super::params::{Params, CHANNELS};
use super::paths::AgentPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// One allocation of the agent: when they were connected, and the interaction.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentItem {
    pub allocation: Option<AgentAllocation>,
    /// True while the agent is still connected.
    pub active: bool,
    pub interaction: Interaction,
}

fn agent_item(item: AgentInteraction, with_messages: bool) -> AgentItem {
    let allocation = item.allocation().cloned();
    let active = allocation
        .as_ref()
        .is_some_and(|a| a.end_timestamp.is_none());
    AgentItem {
        allocation,
        active,
        interaction: list_item(item.record, with_messages),
    }
}

/// Filters and paging of an agent's interactions.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AgentParams {
    /// `true` keeps only the allocations the agent is still connected to.
    active: Option<bool>,
    #[param(inline)]
    channel: Option<ChannelType>,
    /// Page size, 1 to 1000; default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: u32,
    /// The `nextCursor` of the previous page.
    #[param(value_type = Option<String>, min_length = 1)]
    cursor: Option<Position>,
    /// `messages` adds the transcript to each item.
    #[param(inline)]
    include: Option<Include>,
}

impl AgentParams {
    fn parse(params: &mut Params) -> Result<Self, ApiError> {
        Ok(Self {
            include: include_messages(params)?.then_some(Include::Messages),
            active: params.boolean("active")?,
            channel: params.choice("channel", CHANNELS)?,
            limit: params.page_limit()?,
            cursor: params.cursor(Order::Desc)?,
        })
    }
}

/// An agent's allocations, newest first: what the agent handles now (`active=true`) and
/// what they handled last.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/agents/{agentId}/interactions",
    tag = "interactions",
    params(AgentPath, AgentParams),
    responses((status = 200, body = ListResponse<AgentItem>, description = "One page"), ApiError),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn list_agent_interactions(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<AgentPath>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<ListResponse<AgentItem>>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Read)?;
    let agent = AgentId::parse(path.agent_id)
        .map_err(|e| ApiError::invalid_parameter("agentId", e.to_string()))?;
    let mut params = Params::new(query)?;
    let list = AgentParams::parse(&mut params)?;
    params.finish()?;
    let with_messages = list.include == Some(Include::Messages);
    let query = AgentQuery {
        agent,
        active_only: list.active.unwrap_or(false),
        channels: list.channel.into_iter().collect(),
        limit: list.limit,
        after: list.cursor,
    };
    let page = state.store.agent_interactions(&tenant, &query).await?;
    Ok(Json(ListResponse::from_page(page, Order::Desc, |item| {
        agent_item(item, with_messages)
    })))
}

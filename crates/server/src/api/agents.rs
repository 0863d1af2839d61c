//! `GET .../agents/{agentId}/interactions`: an agent's allocations, newest first — what the
//! agent is handling now (`active=true`) and what they handled last.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use interlog_core::query::{AgentInteraction, AgentQuery, Order};
use interlog_core::record::{AgentAllocation, ChannelType};
use interlog_core::{AgentId, Interaction};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::lists::{list_item, ListResponse};
use super::page::PageParams;
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

/// Filters of an agent's interactions (paging is `PageParams`).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AgentParams {
    /// `true` keeps only the allocations the agent is still connected to.
    active: Option<bool>,
    #[param(inline)]
    channel: Option<ChannelType>,
}

impl AgentParams {
    fn parse(params: &mut Params) -> Result<Self, ApiError> {
        Ok(Self {
            active: params.boolean("active")?,
            channel: params.choice("channel", CHANNELS)?,
        })
    }
}

/// An agent's allocations, newest first: what the agent handles now (`active=true`) and
/// what they handled last.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/agents/{agentId}/interactions",
    tag = "interactions",
    params(AgentPath, AgentParams, PageParams),
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
    let filters = AgentParams::parse(&mut params)?;
    let page = PageParams::parse(&mut params, Order::Desc)?;
    params.finish()?;
    let with_messages = page.with_messages();
    let query = AgentQuery {
        agent,
        active_only: filters.active.unwrap_or(false),
        channels: filters.channel.into_iter().collect(),
        limit: page.limit,
        after: page.cursor,
    };
    let page = state.store.agent_interactions(&tenant, &query).await?;
    Ok(Json(ListResponse::from_page(page, Order::Desc, |item| {
        agent_item(item, with_messages)
    })))
}

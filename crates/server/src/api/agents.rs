//! `GET .../agents/{agentId}/interactions`: an agent's allocations, newest first — what the
//! agent is handling now (`active=true`) and what they handled last.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use interlog_core::query::{AgentInteraction, AgentQuery, Order};
use interlog_core::record::AgentAllocation;
use interlog_core::{AgentId, Interaction};
use serde::Serialize;
use utoipa::ToSchema;

use super::lists::{include_messages, list_item, ListResponse};
use super::params::{Params, CHANNELS};
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::openapi::AgentParams;
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

/// An agent's allocations, newest first: what the agent handles now (`active=true`) and
/// what they handled last.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/agents/{agentId}/interactions", tag = "interactions",
    params(("tenant" = String, Path, description = "The tenant"), ("agentId" = String, Path, description = "The agent"), AgentParams),
    responses((status = 200, body = ListResponse<AgentItem>, description = "One page"), (status = "4XX", body = ErrorBody, description = "Bad input (400, naming the parameter or field), credentials (401, 403), missing (404), too large (413), wrong type (415)"), (status = "5XX", body = ErrorBody, description = "Server or database unavailable; details are in the log")),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn list_agent_interactions(
    State(state): State<AppState>,
    principal: Principal,
    Path((tenant, agent)): Path<(String, String)>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<ListResponse<AgentItem>>, ApiError> {
    let tenant = principal.authorize(&tenant, Scope::Read)?;
    let agent =
        AgentId::parse(agent).map_err(|e| ApiError::invalid_parameter("agentId", e.to_string()))?;
    let mut params = Params::new(query)?;
    let with_messages = include_messages(&mut params)?;
    let query = AgentQuery {
        agent,
        active_only: params.boolean("active")?.unwrap_or(false),
        channels: params.choice("channel", CHANNELS)?.into_iter().collect(),
        limit: params.page_limit()?,
        after: params.cursor(Order::Desc)?,
    };
    params.finish()?;
    let page = state.store.agent_interactions(&tenant, &query).await?;
    Ok(Json(ListResponse::from_page(page, Order::Desc, |item| {
        agent_item(item, with_messages)
    })))
}

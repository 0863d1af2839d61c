//! `GET .../agents/{agentId}/interactions`: an agent's allocations, newest first — what the
//! agent is handling now (`active=true`) and what they handled last.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use interlog_core::query::{AgentInteraction, AgentQuery, Order};
use interlog_core::AgentId;
use serde_json::{json, Value};

use super::lists::{include_messages, list_item, ListResponse};
use super::params::{Params, CHANNELS};
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// One allocation: when the agent was connected, and the interaction.
fn agent_item(item: AgentInteraction, with_messages: bool) -> Value {
    let allocation = item.allocation().cloned();
    let active = allocation.as_ref().is_some_and(|a| a.end_timestamp.is_none());
    json!({
        "allocation": allocation,
        "active": active,
        "interaction": list_item(item.record, with_messages),
    })
}

pub(super) async fn list_agent_interactions(
    State(state): State<AppState>,
    principal: Principal,
    Path((tenant, agent)): Path<(String, String)>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<ListResponse<Value>>, ApiError> {
    let tenant = principal.authorize(&tenant, Scope::Read)?;
    let agent = AgentId::parse(agent).map_err(|e| ApiError::invalid_parameter("agentId", e.to_string()))?;
    let mut params = Params::new(query)?;
    let with_messages = include_messages(&mut params)?;
    let query = AgentQuery {
        agent,
        active_only: params.boolean("active")?.unwrap_or(false),
        channel: params.choice("channel", CHANNELS)?,
        limit: params.page_limit()?,
        after: params.cursor(Order::Desc)?,
    };
    params.finish()?;
    let page = state.store.agent_interactions(&tenant, &query).await?;
    Ok(Json(ListResponse::from_page(page, Order::Desc, |item| agent_item(item, with_messages))))
}

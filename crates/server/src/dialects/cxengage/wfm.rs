//! `GET /compat/cxengage/v1/tenants/{tenant}/wfm/intervals/{queue|agent|agent-queue}`: WFM
//! intervals from the report rollups (`interlog_dialects::cxengage::wfm` renders them).

use axum::extract::{Path, State};
use axum::Json;
use interlog_core::report::{Dimension, Granularity, Plan, ReportRequest};
use interlog_core::settings::TimeZone;
use interlog_dialects::cxengage::error::{bad_request, not_found};
use interlog_dialects::cxengage::wfm;
use serde_json::Value;

use super::{green, parameters, time, CxError, Paging};
use crate::auth::Principal;
use crate::dialects::{authorize_read, RawQuery};
use crate::error::ApiError;
use crate::state::AppState;

/// WFM results per page unless `limit` says otherwise, and at most.
const WFM_LIMIT: u32 = 1000;

/// WFM intervals: per 30 minutes (UTC) and queue, agent, or agent and queue, the offered,
/// answered and abandoned counts, answer, handle, talk, hold and wrap-up times and their
/// averages, in seconds.
#[utoipa::path(get, path = "/compat/cxengage/v1/tenants/{tenant}/wfm/intervals/{kind}",
    params(
        ("tenant" = String, Path, description = "The tenant (CxEngage's tenantId)"),
        ("kind" = String, Path, description = "`queue`, `agent` or `agent-queue`"),
        ("start" = String, Query, description = "The first interval holds this instant \
            (ISO 8601; minutes without seconds and no zone are accepted, as UTC)"),
        ("end" = String, Query, description = "The last interval holds the instant before this"),
        ("limit" = Option<u32>, Query, description = "Results per page: default and at most 1000"),
        ("page" = Option<u64>, Query, description = "The page, from 0"),
        ("offset" = Option<u64>, Query, description = "The first result's index (wins over page)"),
        ("includenulls" = Option<bool>, Query, description = "`true` keeps null averages"),
    ),
    responses((status = 200, body = Object,
        description = "`{page, limit, offset, total, results}`, each result an interval of one \
            queue, agent or agent and queue"), CxError),
    security(("token" = []), ("basic" = []), ("bearer" = [])))]
pub(super) async fn wfm_intervals(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((tenant, kind)): Path<(String, String)>,
    query: RawQuery,
) -> Result<Json<Value>, CxError> {
    let tenant = authorize_read(principal, &tenant)?;
    let group = match kind.as_str() {
        "queue" => vec![Dimension::Queue],
        "agent" => vec![Dimension::Agent],
        "agent-queue" => vec![Dimension::Agent, Dimension::Queue],
        other => {
            let message = format!("no WFM intervals by {other:?}: queue, agent or agent-queue");
            return Err(not_found(message).into());
        }
    };
    let (mut start, mut end, mut include_nulls) = (None, None, false);
    let mut paging = Paging {
        limit: WFM_LIMIT,
        ..Paging::DEFAULT
    };
    parameters(query, |name, value| {
        match name {
            "start" => start = Some(time(name, &value)?),
            "end" => end = Some(time(name, &value)?),
            _ => return Ok(green(name, &value, &mut include_nulls) || paging.take(name, &value)?),
        }
        Ok(true)
    })?;
    let start = start.ok_or_else(|| bad_request("start is required"))?;
    let end = end.ok_or_else(|| bad_request("end is required"))?;
    let plan = Plan::new(start, end, Granularity::Minutes30, TimeZone::UTC)
        .map_err(|e| bad_request(format!("start and end: {e}")))?;
    if paging.limit > WFM_LIMIT {
        return Err(bad_request(format!("limit must be from 0 to {WFM_LIMIT}")).into());
    }
    let request = ReportRequest::new(plan, group, Vec::new());
    let report = state.store.report(&tenant, &request).await?;
    let queues = Vec::from_iter(wfm::queue_ids(&request, &report));
    let names = state.store.queue_names(&tenant, &queues).await?;
    let results = wfm::results(&tenant, &request, &report, &names, include_nulls);
    let total = results.len() as u64;
    let page = (results.into_iter())
        .skip(paging.offset() as usize)
        .take(paging.limit as usize)
        .collect();
    Ok(Json(paging.envelope(total, page)))
}

//! `GET /api/v1/tenants/{tenant}/reports/intervals`: interval statistics per queue, agent,
//! channel and direction, on the tenant's wall clock, read from the rollups
//! (`interlog_core::report`). JSON, or CSV for `Accept: text/csv` (or `format=csv`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use interlog_core::record::{ChannelType, Direction};
use interlog_core::report::{Dimension, ParameterError, Rendered, ReportParams, ReportRequest};
use interlog_core::settings::TimeZone;
use interlog_core::{AgentId, Timestamp};
use utoipa::IntoParams;

use super::params::{wants_csv, Params, CHANNELS, DIRECTIONS};
use super::paths::TenantPath;
use super::settings;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// The report's parameters.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[into_params(rename_all = "camelCase")]
pub(crate) struct ReportQuery {
    /// The first interval is the one holding this instant (RFC 3339).
    #[param(required = true)]
    from: Option<Timestamp>,
    /// The last interval is the one holding the instant before this (RFC 3339); at most
    /// 366 days after `from`.
    #[param(required = true)]
    to: Option<Timestamp>,
    /// PT15M, PT30M, PT1H, P1D (default), P7D (weeks from Monday) or P1M (calendar months).
    #[param(pattern = "^(PT15M|PT30M|PT1H|P1D|P7D|P1W|P1M)$")]
    interval: Option<String>,
    /// Comma-separated: any of queue, agent, channel, direction, endReason (not with agent),
    /// each once.
    #[param(
        pattern = "^(queue|agent|channel|direction|endReason)(,(queue|agent|channel|direction|endReason))*$"
    )]
    group_by: Option<String>,
    /// The IANA zone whose wall clock intervals follow; default the tenant's `timeZone`.
    #[param(value_type = Option<TimeZone>)]
    timezone: Option<String>,
    /// Only this queue (its id).
    #[param(min_length = 1, pattern = r"^[^\x00]*$")]
    queue: Option<String>,
    /// Only this agent's own work.
    #[param(value_type = Option<AgentId>, inline)]
    agent: Option<String>,
    #[param(inline)]
    channel: Option<ChannelType>,
    #[param(inline)]
    direction: Option<Direction>,
    /// Only interactions that ended with this reason (`ended` only).
    #[param(min_length = 1, pattern = r"^[^\x00]*$")]
    end_reason: Option<String>,
    /// Comma-separated metric names (README, "Reports"), each once; default all that the
    /// grouping keeps (a report by agent keeps only the agents' own work, a report by
    /// endReason only `ended`).
    #[param(
        pattern = "^(offered|answered|answeredWithinSla|abandoned|shortAbandoned|abandonedWithinSla|abandonedAfterSla|abandonRate|serviceLevel|serviceLevelExcludingAbandons|serviceLevelExcludingShortAbandons|answerTime|averageSpeedOfAnswer|maxSpeedOfAnswer|queueTime|averageQueueTime|abandonTime|averageAbandonTime|ivrTime|averageIvrTime|ivrOnly|started|ended|handled|handleTime|averageHandleTime|talkTime|averageTalkTime|holdTime|holds|afterContactWorkTime|averageAfterContactWorkTime|transfers|consults|outboundAttempts|outboundConnects)(,(offered|answered|answeredWithinSla|abandoned|shortAbandoned|abandonedWithinSla|abandonedAfterSla|abandonRate|serviceLevel|serviceLevelExcludingAbandons|serviceLevelExcludingShortAbandons|answerTime|averageSpeedOfAnswer|maxSpeedOfAnswer|queueTime|averageQueueTime|abandonTime|averageAbandonTime|ivrTime|averageIvrTime|ivrOnly|started|ended|handled|handleTime|averageHandleTime|talkTime|averageTalkTime|holdTime|holds|afterContactWorkTime|averageAfterContactWorkTime|transfers|consults|outboundAttempts|outboundConnects))*$"
    )]
    metrics: Option<String>,
    /// `csv` answers CSV, as `Accept: text/csv` does.
    #[param(pattern = "^(json|csv)$")]
    format: Option<String>,
}

impl ReportQuery {
    fn parse(params: &mut Params) -> Result<Self, ApiError> {
        Ok(Self {
            from: params.timestamp("from")?,
            to: params.timestamp("to")?,
            interval: params.text("interval")?,
            group_by: params.text("groupBy")?,
            timezone: params.text("timezone")?,
            queue: params.text("queue")?,
            agent: params.parsed("agent", |raw| {
                AgentId::parse(raw)
                    .map(|a| a.to_string())
                    .map_err(|e| e.to_string())
            })?,
            channel: params.choice("channel", CHANNELS)?,
            direction: params.choice("direction", DIRECTIONS)?,
            end_reason: params.text("endReason")?,
            metrics: params.text("metrics")?,
            format: params.parsed("format", |raw| match raw {
                "json" | "csv" => Ok(raw.to_string()),
                _ => Err(format!("{raw:?} is not json or csv")),
            })?,
        })
    }

    fn filters(&self) -> Vec<(Dimension, String)> {
        let channel = self.channel.map(|c| c.as_str().to_string());
        let direction = self.direction.map(|d| d.as_str().to_string());
        [
            (Dimension::Queue, self.queue.clone()),
            (Dimension::Agent, self.agent.clone()),
            (Dimension::Channel, channel),
            (Dimension::Direction, direction),
            (Dimension::EndReason, self.end_reason.clone()),
        ]
        .into_iter()
        .filter_map(|(d, v)| v.map(|v| (d, v)))
        .collect()
    }

    /// The request, in `zone` unless the query names one.
    fn request(&self, zone: TimeZone) -> Result<ReportRequest, ApiError> {
        let zone = match &self.timezone {
            Some(name) => {
                TimeZone::parse(name).map_err(|e| ApiError::invalid_parameter("timezone", e))?
            }
            None => zone,
        };
        ReportRequest::from_params(ReportParams {
            from: self.from,
            to: self.to,
            interval: self.interval.as_deref(),
            zone,
            group_by: self.group_by.as_deref(),
            filters: self.filters(),
            metrics: self.metrics.as_deref(),
        })
        .map_err(|ParameterError { parameter, message }| {
            ApiError::invalid_parameter(parameter, message)
        })
    }
}

/// Interval statistics: per interval of the tenant's wall clock (or `timezone`'s), per
/// group of `groupBy`, every metric of `metrics`. A metric counts in the interval in which
/// it completes. Without `groupBy` every interval has a row; with it, an interval has a
/// row per group with something in the metrics asked for.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/reports/intervals", tag = "reports",
    params(TenantPath, ReportQuery),
    responses(
        (status = 200, description = "The report: `timeZone`, `interval`, `from`, `to`, \
            `groupBy`, `metrics`, and `rows`, each with `intervalStart`, `intervalEnd` (local \
            times with their offset), the group's dimensions and one field per metric",
            content((Object = "application/json"), (String = "text/csv"))),
        ApiError),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn interval_report(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Read)?;
    let mut params = Params::new(query)?;
    let query = ReportQuery::parse(&mut params)?;
    params.finish()?;
    let request = query.request(settings::effective(&state, &tenant).await?.time_zone)?;
    let report = state.store.report(&tenant, &request).await?;
    if wants_csv(query.format.as_deref(), &headers) {
        let csv = request.csv(&report);
        return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response());
    }
    let rendered = Rendered {
        request: &request,
        report: &report,
    };
    // Written straight to bytes: a `Value` would sort the fields (and cost a copy).
    let json = rendered.to_vec().map_err(|e| ApiError::internal(&e))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

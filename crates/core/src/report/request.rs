//! A report request from its parameters as given (the native route's query string, the
//! CLI's flags), with errors that name the parameter.

use super::{Dimension, Granularity, Metric, Plan, PlanError, ReportRequest, Rollup, METRICS};
use crate::settings::TimeZone;
use crate::time::Timestamp;

/// The interval when a request names none.
pub const DEFAULT_INTERVAL: Granularity = Granularity::Day;

/// A report parameter that is wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{parameter} {message}")]
pub struct ParameterError {
    pub parameter: &'static str,
    pub message: String,
}

fn wrong(parameter: &'static str, message: impl Into<String>) -> ParameterError {
    ParameterError {
        parameter,
        message: message.into(),
    }
}

/// A report's parameters, as text where they are lists or names.
#[derive(Debug, Default)]
pub struct ReportParams<'a> {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// `PT15M` ... `P1M`; [`DEFAULT_INTERVAL`] when absent.
    pub interval: Option<&'a str>,
    /// The zone the intervals follow (the caller passes the tenant's when none is asked).
    pub zone: TimeZone,
    /// Comma-separated dimensions.
    pub group_by: Option<&'a str>,
    pub filters: Vec<(Dimension, String)>,
    /// Comma-separated metric names; all (that the grouping keeps) when absent.
    pub metrics: Option<&'a str>,
}

impl ReportRequest {
    pub fn from_params(params: ReportParams<'_>) -> Result<Self, ParameterError> {
        let from = params.from.ok_or_else(|| wrong("from", "is required"))?;
        let to = params.to.ok_or_else(|| wrong("to", "is required"))?;
        let granularity = match params.interval {
            Some(raw) => Granularity::parse(raw).map_err(|e| wrong("interval", e))?,
            None => DEFAULT_INTERVAL,
        };
        let plan = Plan::new(from, to, granularity, params.zone).map_err(|e| match e {
            PlanError::Empty => wrong("to", "must be later than from"),
            PlanError::TooLong => wrong("to", e.to_string()),
            PlanError::TooMany => wrong("interval", e.to_string()),
        })?;
        let group = match params.group_by {
            Some(raw) => parse_group(raw).map_err(|e| wrong("groupBy", e))?,
            None => Vec::new(),
        };
        let mut request = ReportRequest::new(plan, group, params.filters);
        if request.names(Dimension::Agent) && request.names(Dimension::EndReason) {
            let message = "cannot combine agent and endReason: an end belongs to the \
                           interaction, not to an agent";
            return Err(wrong("groupBy", message));
        }
        if let Some(raw) = params.metrics {
            let metrics = parse_metrics(raw, request.rollup()).map_err(|e| wrong("metrics", e))?;
            request.metrics = metrics;
        }
        Ok(request)
    }
}

/// `queue,agent`: each dimension once.
fn parse_group(raw: &str) -> Result<Vec<Dimension>, String> {
    let mut group = Vec::new();
    for name in raw.split(',').map(str::trim) {
        let dimension = Dimension::parse(name)?;
        if group.contains(&dimension) {
            return Err(format!("names {name} twice"));
        }
        group.push(dimension);
    }
    Ok(group)
}

/// `offered,serviceLevel`: known metrics, each once, kept in the report's rollup.
fn parse_metrics(raw: &str, rollup: Rollup) -> Result<Vec<&'static Metric>, String> {
    let mut metrics: Vec<&'static Metric> = Vec::new();
    for name in raw.split(',').map(str::trim) {
        let metric = Metric::named(name).ok_or_else(|| {
            let known: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
            format!("{name:?} is not a metric; known: {}", known.join(", "))
        })?;
        if !metric.kept_in(rollup) {
            return Err(match rollup.source() {
                Rollup::Agents => format!(
                    "{name} is not kept per agent (a report grouped or filtered by agent has \
                     only the agents' own work)"
                ),
                _ => format!("{name} is not kept per end reason (only ended is)"),
            });
        }
        if metrics.iter().any(|m| m.name == name) {
            return Err(format!("names {name} twice"));
        }
        metrics.push(metric);
    }
    Ok(metrics)
}

//! CxEngage's WFM intervals (`GET /v1/tenants/{t}/wfm/intervals/{queue|agent|agent-queue}`),
//! rendered from an Interlog interval report: one result per interval and queue, agent, or
//! agent and queue.
//!
//! Seen in public reporting scripts: `start` and `end` as minutes without seconds
//! (`2018-09-06T12:00Z`, or no zone), `limit=1000`, a half hour asked at a time, and the
//! fields `agentId`, `queueName`, `offeredCallCount`, `answeredCallCount`, `avgHandleTime`,
//! `avgTimeToAnswer`, `agentWrapUpTime`, read from `results`. Interlog's choices where the
//! vendor's documents are not public (UNCONFIRMED):
//! - intervals are 30 minutes on the UTC clock, each result carrying `intervalStart` and
//!   `intervalEnd`; a metric counts in the interval in which it completes;
//! - durations are seconds with millisecond precision, as in CxEngage's interaction
//!   documents; averages over nothing are null (left out unless `includenulls=true`);
//! - `queueName` is the latest name the queue was given in an event (`queueName` of
//!   `queue-entered`), its id when it was never named; queue results leave out what happened
//!   outside any queue (IVR, outbound), agents' results keep it with no queue;
//! - per agent, `offeredCallCount` is the queue entries the agent accepted (Interlog records
//!   no offers an agent declined), so it equals `answeredCallCount`; `abandonedCallCount`
//!   and `serviceLevel` are the queue's only.

use std::collections::{BTreeSet, HashMap};

use interlog_core::report::{Dimension, Metric, Report, ReportRequest, ReportRow, Rollup};
use interlog_core::TenantId;
use serde_json::{json, Value};

use super::render::object;

/// (vendor field, Interlog metric) pairs, for queue results and for agents' results.
const QUEUE_FIELDS: &[(&str, &str)] = &[
    ("offeredCallCount", "offered"),
    ("answeredCallCount", "answered"),
    ("abandonedCallCount", "abandoned"),
    ("shortAbandonedCallCount", "shortAbandoned"),
    ("answeredWithinSlaCount", "answeredWithinSla"),
    ("serviceLevel", "serviceLevel"),
    ("answerTime", "answerTime"),
    ("avgTimeToAnswer", "averageSpeedOfAnswer"),
    ("abandonTime", "abandonTime"),
    ("avgAbandonTime", "averageAbandonTime"),
    ("handleTime", "handleTime"),
    ("avgHandleTime", "averageHandleTime"),
    ("agentTalkTime", "talkTime"),
    ("agentHoldTime", "holdTime"),
    ("agentWrapUpTime", "afterContactWorkTime"),
    ("transferCount", "transfers"),
];

const AGENT_FIELDS: &[(&str, &str)] = &[
    ("offeredCallCount", "answered"),
    ("answeredCallCount", "answered"),
    ("answerTime", "answerTime"),
    ("avgTimeToAnswer", "averageSpeedOfAnswer"),
    ("handleTime", "handleTime"),
    ("avgHandleTime", "averageHandleTime"),
    ("agentTalkTime", "talkTime"),
    ("agentHoldTime", "holdTime"),
    ("holdCount", "holds"),
    ("agentWrapUpTime", "afterContactWorkTime"),
    ("transferCount", "transfers"),
];

/// The queue ids a WFM report's rows name, whose names its results show.
pub fn queue_ids<'r>(request: &ReportRequest, report: &'r Report) -> BTreeSet<&'r str> {
    let at = request.group.iter().position(|d| *d == Dimension::Queue);
    (report.rows.iter())
        .filter_map(|row| row.group.get(at?).map(String::as_str))
        .filter(|queue| !queue.is_empty())
        .collect()
}

/// The results of a WFM report: `request` groups by queue, agent, or agent and queue;
/// `names` are the queues' names by id.
pub fn results(
    tenant: &TenantId,
    request: &ReportRequest,
    report: &Report,
    names: &HashMap<String, String>,
    include_nulls: bool,
) -> Vec<Value> {
    let per_agent = request.rollup().source() == Rollup::Agents;
    let fields = if per_agent {
        AGENT_FIELDS
    } else {
        QUEUE_FIELDS
    };
    (report.rows.iter())
        .filter(|row| per_agent || row.group.iter().all(|queue| !queue.is_empty()))
        .map(|row| result(tenant, request, row, fields, names, include_nulls))
        .collect()
}

fn result(
    tenant: &TenantId,
    request: &ReportRequest,
    row: &ReportRow,
    fields: &[(&'static str, &str)],
    names: &HashMap<String, String>,
    include_nulls: bool,
) -> Value {
    let (start, end) = request.plan.interval(row.interval);
    let mut pairs = vec![
        ("tenantId", json!(tenant.as_str())),
        ("intervalStart", json!(start.to_string())),
        ("intervalEnd", json!(end.to_string())),
    ];
    for (dimension, value) in request.group.iter().zip(&row.group) {
        let value = (!value.is_empty()).then_some(value.as_str());
        match dimension {
            Dimension::Queue => {
                let name = value.map(|id| names.get(id).map_or(id, String::as_str));
                pairs.extend([("queueId", json!(value)), ("queueName", json!(name))])
            }
            Dimension::Agent => pairs.push(("agentId", json!(value))),
            Dimension::Channel | Dimension::Direction | Dimension::EndReason => {}
        }
    }
    for (field, metric) in fields {
        let metric = Metric::named(metric).expect("a WFM field names a metric");
        pairs.push((field, json!(metric.value(&row.counts))));
    }
    object(pairs, include_nulls)
}

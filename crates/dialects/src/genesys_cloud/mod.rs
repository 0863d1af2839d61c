//! Genesys Cloud conversation details (the analytics API's `conversations[]`, as
//! `POST /api/v2/analytics/conversations/details/query` and its jobs return them), for
//! `interlog import --format genesys-cloud`.
//!
//! A conversation is one interaction (`conversationId`). Its participants' segments are
//! told as canonical events, and the one projection derives the statistics:
//! - the customer's (or external party's) first session: channel (`mediaType`), `ani`
//!   (the customer's address), `dnis` (the contact point); `originatingDirection`;
//! - each `acd` participant's `interact` segment: a queue entry (`queueId`), left for the
//!   agent who answers next, else abandoned (the customer hung up) or ended;
//! - each `agent` participant (`userId`): allocated at their first `interact` segment,
//!   `hold` segments as holds, `disconnectType` `transfer` as a transfer, the `wrapup`
//!   segment's end as the end of their work (its `wrapUpCode` as the disposition);
//! - the customer's last segment ending with `disconnectType` `endpoint`: the customer
//!   hung up; `conversationEnd`: the end.
//!
//! Genesys Cloud's own metrics (`tAcd`, `tTalk`, `tHeld`, `tAcw`, `tHandle`, `tAbandon`, in
//! milliseconds) are kept in `extensions` (`genesysCloud.<purpose>.<metric>`, summed over
//! the participant's sessions), and compared with what the projection derived: where both
//! exist and differ by more than a second, a `source-metric-disagrees` flag names both.

mod compare;

use interlog_core::{Interaction, InteractionId, TenantId, Timestamp};
use serde_json::{json, Value};

use crate::fields::{text, time};
use crate::timeline::Timeline;
use crate::ImportError;

/// A conversation's record, and its last known time (the import's: the newest wins).
pub struct Conversation {
    pub record: Interaction,
    pub updated: Timestamp,
}

/// The conversations a document holds: `{"conversations": [...]}` (a query's page), or a
/// bare conversation.
pub fn conversations(document: &Value) -> Vec<&Value> {
    match document.get("conversations").and_then(Value::as_array) {
        Some(items) => items.iter().collect(),
        None => vec![document],
    }
}

fn list<'a>(v: &'a Value, field: &str) -> &'a [Value] {
    v.get(field)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// One segment, with where it sits.
struct Segment<'a> {
    participant: &'a Value,
    purpose: &'a str,
    start: Timestamp,
    end: Option<Timestamp>,
    kind: &'a str,
    raw: &'a Value,
}

fn segments(conversation: &Value) -> Result<Vec<Segment<'_>>, ImportError> {
    let mut all = Vec::new();
    for (p, participant) in list(conversation, "participants").iter().enumerate() {
        let purpose = text(participant, "purpose")?.unwrap_or("unknown");
        for (s, session) in list(participant, "sessions").iter().enumerate() {
            for (g, raw) in list(session, "segments").iter().enumerate() {
                let place = format!("participants[{p}].sessions[{s}].segments[{g}]");
                let start = time(raw, "segmentStart").map_err(|e| e.within(&place))?;
                let start = start.ok_or_else(|| {
                    ImportError::new("segmentStart", "is required").within(&place)
                })?;
                all.push(Segment {
                    participant,
                    purpose,
                    start,
                    end: time(raw, "segmentEnd").map_err(|e| e.within(&place))?,
                    kind: text(raw, "segmentType")
                        .map_err(|e| e.within(&place))?
                        .unwrap_or(""),
                    raw,
                });
            }
        }
    }
    all.sort_by_key(|s| s.start);
    Ok(all)
}

fn channel(media: &str) -> &'static str {
    match media {
        "voice" | "callback" => "voice",
        "chat" | "webchat" => "chat",
        "email" => "email",
        "message" => "messaging",
        "video" | "cobrowse" | "screenshare" => "video",
        _ => "work-item",
    }
}

/// A conversation as a canonical record.
pub fn parse_conversation(tenant: &TenantId, c: &Value) -> Result<Conversation, ImportError> {
    let id = text(c, "conversationId")?
        .ok_or_else(|| ImportError::new("conversationId", "is required"))?;
    let id =
        InteractionId::parse(id).map_err(|e| ImportError::new("conversationId", e.to_string()))?;
    let start = time(c, "conversationStart")?
        .ok_or_else(|| ImportError::new("conversationStart", "is required"))?;
    let end = time(c, "conversationEnd")?;
    let segments = segments(c)?;
    let mut timeline = Timeline::new(id);
    timeline.push("interaction-started", start, started(c)?)?;
    queues(&mut timeline, &segments)?;
    agents(&mut timeline, &segments)?;
    let customer_left = (segments.iter())
        .filter(|s| matches!(s.purpose, "customer" | "external"))
        .filter_map(|s| s.end.map(|end| (end, s)))
        .max_by_key(|(end, _)| *end)
        .filter(|(_, s)| s.raw.get("disconnectType").and_then(Value::as_str) == Some("endpoint"));
    if let Some((at, _)) = customer_left {
        timeline.push("customer-disconnected", at, json!({}))?;
    }
    if let Some(end) = end {
        timeline.push("interaction-ended", end, json!({}))?;
    }
    let mut record = timeline.project(tenant);
    compare::keep_and_compare(&mut record, c);
    Ok(Conversation {
        record,
        updated: end.unwrap_or(start),
    })
}

/// `interaction-started`'s fields, from the customer's first session.
fn started(c: &Value) -> Result<Value, ImportError> {
    let customer = (list(c, "participants").iter()).find(|p| {
        matches!(
            p.get("purpose").and_then(Value::as_str),
            Some("customer" | "external")
        )
    });
    let session = customer.and_then(|p| list(p, "sessions").first());
    let media = session
        .map(|s| text(s, "mediaType"))
        .transpose()?
        .flatten()
        .unwrap_or("voice");
    let direction = match text(c, "originatingDirection")? {
        Some("outbound") => "outbound",
        _ => "inbound",
    };
    let mut fields = json!({"channelType": channel(media), "direction": direction});
    let strip = |address: &str| {
        address
            .trim_start_matches("tel:")
            .trim_start_matches("sip:")
            .to_string()
    };
    if let Some(session) = session {
        if let Some(ani) = text(session, "ani")? {
            fields["customer"] = json!({"address": strip(ani)});
        }
        if let Some(dnis) = text(session, "dnis")? {
            fields["contactPoint"] = json!(strip(dnis));
        }
    }
    Ok(fields)
}

/// Each ACD `interact` segment: a queue entry, left for the next agent's answer (which
/// closes it), else at its end: an abandon when the customer's side ended it.
fn queues(timeline: &mut Timeline, segments: &[Segment]) -> Result<(), ImportError> {
    for s in segments
        .iter()
        .filter(|s| s.purpose == "acd" && s.kind == "interact")
    {
        let queue = text(s.raw, "queueId")?;
        timeline.push("queue-entered", s.start, json!({"queueId": queue}))?;
        let answered = (segments.iter()).any(|a| {
            a.purpose == "agent"
                && a.kind == "interact"
                && a.start >= s.start
                && Some(a.start) <= s.end
        });
        if let (Some(end), false) = (s.end, answered) {
            let customer = matches!(text(s.raw, "disconnectType")?, Some("peer" | "endpoint"));
            let exit = if customer {
                "abandon"
            } else {
                "interaction-end"
            };
            timeline.push("queue-exited", end, json!({"exitType": exit}))?;
        }
    }
    Ok(())
}

/// Each agent participant: allocated at their first `interact`, holds, transfers, and free
/// at the end of their wrap-up (else of their last segment).
fn agents(timeline: &mut Timeline, segments: &[Segment]) -> Result<(), ImportError> {
    let mut seen: Vec<*const Value> = Vec::new();
    for first in segments
        .iter()
        .filter(|s| s.purpose == "agent" && s.kind == "interact")
    {
        if seen.contains(&(first.participant as *const Value)) {
            continue;
        }
        seen.push(first.participant);
        let agent = (text(first.participant, "userId")?)
            .ok_or_else(|| ImportError::new("userId", "is required for an agent participant"))?;
        let name = text(first.participant, "participantName")?;
        let queue = text(first.raw, "queueId")?;
        let fields = json!({"agentId": agent, "agentName": name, "queueId": queue});
        timeline.push("agent-allocated", first.start, fields)?;
        let own: Vec<&Segment> = segments
            .iter()
            .filter(|s| std::ptr::eq(s.participant, first.participant))
            .collect();
        for s in &own {
            match (s.kind, s.end) {
                ("hold", Some(end)) => {
                    timeline.push("hold-started", s.start, json!({"agentId": agent}))?;
                    timeline.push("hold-ended", end, json!({"agentId": agent}))?;
                }
                ("interact", Some(end)) if text(s.raw, "disconnectType")? == Some("transfer") => {
                    timeline.push("transfer-started", end, json!({"agentId": agent}))?;
                    timeline.push("transfer-ended", end, json!({"outcome": "success"}))?;
                }
                ("wrapup", _) => {
                    if let Some(code) = text(s.raw, "wrapUpCode")? {
                        timeline.push(
                            "disposition-set",
                            s.start,
                            json!({"disposition": {"id": code}}),
                        )?;
                    }
                }
                _ => {}
            }
        }
        if let Some(free) = own.iter().filter_map(|s| s.end).max() {
            timeline.push("agent-deallocated", free, json!({"agentId": agent}))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

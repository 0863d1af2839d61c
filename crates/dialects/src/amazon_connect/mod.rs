//! Amazon Connect contact records (CTRs, as the contact-record stream and the S3 exports
//! deliver them), for `interlog import --format amazon-connect` and
//! `POST /api/v1/tenants/{tenant}/import/amazon-connect`.
//!
//! Interlog's choices (the README's table gives the field mapping):
//! - **One contact, one interaction** (`ContactId`). A transfer's chained contacts stay
//!   linked, not merged: `parentId` is `PreviousContactId`, and `externalIds` keep
//!   `amazonConnectInitialContactId`, `...PreviousContactId`, `...NextContactId`, so a
//!   chain is one lookup away and each contact's statistics stay its own (as Connect
//!   reports them).
//! - **At least once**: a contact record arrives again as it is updated. Each becomes an
//!   `interaction-imported` event timed at its `LastUpdateTimestamp`, and the projection
//!   applies imports in time order: the newest update wins whatever order they came in; the
//!   same record twice is one event.
//! - **The timeline is told, not computed**: the record's timestamps become canonical
//!   events (started, queued, connected to an agent, the customer's disconnect, the end,
//!   the agent's after-contact work), and the one projection derives every statistic.
//!   Connect's timestamps have whole seconds: so have the derived durations; nothing finer
//!   is invented.
//! - **Holds have no times** in a contact record (only `NumberOfHolds`,
//!   `CustomerHoldDuration`, `LongestHoldDuration`): they are not put on the timeline; the
//!   record keeps Connect's figures in `extensions` (`amazonConnect.Agent.*`) and a flag,
//!   `source-holds-without-times`, says that talk time includes the hold time.

use interlog_core::record::Flag;
use interlog_core::{AgentId, Interaction, InteractionId, TenantId, Timestamp};
use serde_json::{json, Map, Value};

use crate::fields::{text, time};
use crate::timeline::Timeline;
use crate::ImportError;

/// A contact record's canonical record, and when Connect last updated it (the import's
/// time, so the newest update wins).
pub struct Contact {
    pub record: Interaction,
    pub updated: Timestamp,
}

/// The prefix of the extensions and external ids this importer writes.
const PREFIX: &str = "amazonConnect";

/// A nested object (`Queue`, `Agent`, ...), absent when null.
fn object<'a>(v: &'a Value, field: &str) -> Result<Option<&'a Value>, ImportError> {
    match v.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(inner @ Value::Object(_)) => Ok(Some(inner)),
        Some(_) => Err(ImportError::new(field, "expected an object")),
    }
}

fn channel(name: &str) -> Result<&'static str, ImportError> {
    Ok(match name {
        "VOICE" => "voice",
        "CHAT" => "chat",
        "TASK" => "work-item",
        "EMAIL" => "email",
        other => {
            let message = format!("{other:?} is not VOICE, CHAT, TASK or EMAIL");
            return Err(ImportError::new("Channel", message));
        }
    })
}

/// Connect's initiation methods by direction: the customer's contacts are inbound, the
/// center's own outbound, a supervisor's monitoring internal.
fn direction(method: Option<&str>) -> &'static str {
    match method {
        Some("OUTBOUND" | "CALLBACK" | "EXTERNAL_OUTBOUND" | "AGENT_REPLY" | "CAMPAIGN") => {
            "outbound"
        }
        Some("MONITOR") => "internal",
        _ => "inbound",
    }
}

/// The queue's id: the last part of its ARN (`.../queue/<id>`), else its name.
fn queue_id(queue: &Value) -> Result<Option<String>, ImportError> {
    let arn = text(queue, "ARN").map_err(|e| e.within("Queue"))?;
    let name = text(queue, "Name").map_err(|e| e.within("Queue"))?;
    let from_arn = arn
        .and_then(|arn| arn.rsplit('/').next())
        .filter(|id| !id.is_empty());
    Ok(from_arn.or(name).map(str::to_string))
}

/// A contact record as a canonical record.
pub fn parse_contact(tenant: &TenantId, ctr: &Value) -> Result<Contact, ImportError> {
    if !ctr.is_object() {
        return Err(ImportError::new(
            "ContactId",
            "a contact record is a JSON object",
        ));
    }
    let id = text(ctr, "ContactId")?.ok_or_else(|| ImportError::new("ContactId", "is required"))?;
    if id.len() > 120 {
        return Err(ImportError::new(
            "ContactId",
            "must be at most 120 characters",
        ));
    }
    let id = InteractionId::parse(id).map_err(|e| ImportError::new("ContactId", e.to_string()))?;
    check_fields(ctr)?;
    let start = time(ctr, "InitiationTimestamp")?
        .ok_or_else(|| ImportError::new("InitiationTimestamp", "is required"))?;
    let channel = channel(text(ctr, "Channel")?.unwrap_or("VOICE"))?;
    let end = time(ctr, "DisconnectTimestamp")?;
    let updated = time(ctr, "LastUpdateTimestamp")?.or(end).unwrap_or(start);
    let mut timeline = Timeline::new(id);
    timeline.push("interaction-started", start, started(ctr, channel)?)?;
    let queue = object(ctr, "Queue")?;
    if let Some(queue) = queue {
        queued(&mut timeline, queue, ctr)?;
    }
    let agent = object(ctr, "Agent")?;
    if let Some(agent) = agent {
        connected(&mut timeline, agent, end).map_err(|e| e.within("Agent"))?;
    }
    let reason = text(ctr, "DisconnectReason")?;
    transferred(&mut timeline, ctr, agent, end)?;
    if let Some(end) = end {
        if reason == Some("CUSTOMER_DISCONNECT") {
            timeline.push("customer-disconnected", end, json!({}))?;
        }
        timeline.push("interaction-ended", end, json!({"reason": reason}))?;
    }
    recordings(&mut timeline, ctr, end.unwrap_or(start))?;
    let mut record = timeline.project(tenant);
    keep_figures(&mut record, agent);
    Ok(Contact { record, updated })
}

/// Checks every field Interlog reads, whether or not this record uses it (a bad value is
/// refused even where it would not matter).
fn check_fields(ctr: &Value) -> Result<(), ImportError> {
    const TIMES: [&str; 4] = [
        "InitiationTimestamp",
        "DisconnectTimestamp",
        "LastUpdateTimestamp",
        "TransferCompletedTimestamp",
    ];
    for field in TIMES {
        time(ctr, field)?;
    }
    for field in ["InitiationMethod", "DisconnectReason", "Channel"] {
        text(ctr, field)?;
    }
    let nested: [(&str, &[&str], &[&str]); 2] = [
        (
            "Queue",
            &["ARN", "Name"],
            &["EnqueueTimestamp", "DequeueTimestamp"],
        ),
        (
            "Agent",
            &["ARN", "Username"],
            &["ConnectedToAgentTimestamp", "AfterContactWorkEndTimestamp"],
        ),
    ];
    for (field, texts, times) in nested {
        let Some(inner) = object(ctr, field)? else {
            continue;
        };
        for name in texts {
            text(inner, name).map_err(|e| e.within(field))?;
        }
        for name in times {
            time(inner, name).map_err(|e| e.within(field))?;
        }
    }
    Ok(())
}

/// `interaction-started`'s fields: channel, direction, the customer's and the center's
/// endpoints, the contact attributes, the chain's ids.
fn started(ctr: &Value, channel: &str) -> Result<Value, ImportError> {
    let endpoint = |field: &str| -> Result<Option<String>, ImportError> {
        let Some(end) = object(ctr, field)? else {
            return Ok(None);
        };
        Ok(text(end, "Address")
            .map_err(|e| e.within(field))?
            .map(str::to_string))
    };
    let mut external = Map::new();
    for field in ["InitialContactId", "PreviousContactId", "NextContactId"] {
        if let Some(id) = text(ctr, field)? {
            external.insert(format!("{PREFIX}{field}"), json!(id));
        }
    }
    let mut fields = json!({
        "channelType": channel,
        "direction": direction(text(ctr, "InitiationMethod")?),
        "externalIds": external,
        "attributes": object(ctr, "Attributes")?.cloned().unwrap_or(json!({})),
    });
    if let Some(address) = endpoint("CustomerEndpoint")? {
        fields["customer"] = json!({"address": address});
    }
    if let Some(address) = endpoint("SystemEndpoint")? {
        fields["contactPoint"] = json!(address);
    }
    if let Some(previous) = text(ctr, "PreviousContactId")? {
        fields["parentId"] = json!(previous);
    }
    Ok(fields)
}

/// The queue: entered at `EnqueueTimestamp`; left for an agent (their connection closes
/// it), by the customer hanging up (an abandon), or otherwise at `DequeueTimestamp`.
fn queued(timeline: &mut Timeline, queue: &Value, ctr: &Value) -> Result<(), ImportError> {
    let Some(entered) = time(queue, "EnqueueTimestamp").map_err(|e| e.within("Queue"))? else {
        return Ok(());
    };
    let fields = json!({"queueId": queue_id(queue)?, "queueName": text(queue, "Name")?});
    timeline.push("queue-entered", entered, fields)?;
    let left = time(queue, "DequeueTimestamp").map_err(|e| e.within("Queue"))?;
    if let (Some(left), None) = (left, object(ctr, "Agent")?) {
        let customer = text(ctr, "DisconnectReason")? == Some("CUSTOMER_DISCONNECT");
        let exit = if customer {
            "abandon"
        } else {
            "interaction-end"
        };
        timeline.push("queue-exited", left, json!({"exitType": exit}))?;
    }
    Ok(())
}

/// The agent: connected at `ConnectedToAgentTimestamp`, free after their after-contact
/// work (its end, else the contact's end).
fn connected(
    timeline: &mut Timeline,
    agent: &Value,
    end: Option<Timestamp>,
) -> Result<(), ImportError> {
    let name = text(agent, "Username")?
        .ok_or_else(|| ImportError::new("Username", "is required in an Agent"))?;
    AgentId::parse(name).map_err(|e| ImportError::new("Username", e.to_string()))?;
    let Some(at) = time(agent, "ConnectedToAgentTimestamp")? else {
        return Ok(()); // routed, never connected
    };
    let fields = json!({"agentId": name, "platformAgentId": text(agent, "ARN")?});
    timeline.push("agent-allocated", at, fields)?;
    let free = time(agent, "AfterContactWorkEndTimestamp")?.or(end);
    if let Some(free) = free {
        timeline.push("agent-deallocated", free, json!({"agentId": name}))?;
    }
    Ok(())
}

/// A contact that went on to another (`NextContactId`, or a `TransferredToEndpoint`) was
/// transferred when the transfer completed (else at its end): a transfer segment, from its
/// agent when one was connected.
fn transferred(
    timeline: &mut Timeline,
    ctr: &Value,
    agent: Option<&Value>,
    end: Option<Timestamp>,
) -> Result<(), ImportError> {
    let endpoint = object(ctr, "TransferredToEndpoint")?;
    if let Some(endpoint) = endpoint {
        text(endpoint, "Address").map_err(|e| e.within("TransferredToEndpoint"))?;
    }
    let onward = text(ctr, "NextContactId")?.is_some() || endpoint.is_some();
    let Some(at) = time(ctr, "TransferCompletedTimestamp")?
        .or(end)
        .filter(|_| onward)
    else {
        return Ok(());
    };
    let from = agent.map(|a| text(a, "Username")).transpose()?.flatten();
    timeline.push("transfer-started", at, json!({"agentId": from}))?;
    timeline.push("transfer-ended", at, json!({"outcome": "success"}))
}

/// `Recording` (the older single object) and `Recordings` (one per media stream).
fn recordings(timeline: &mut Timeline, ctr: &Value, at: Timestamp) -> Result<(), ImportError> {
    let mut found = Vec::new();
    if let Some(one) = object(ctr, "Recording")? {
        found.push(one);
    }
    if let Some(Value::Array(many)) = ctr.get("Recordings") {
        found.extend(many.iter());
    }
    for recording in found {
        let Some(location) = text(recording, "Location").map_err(|e| e.within("Recording"))? else {
            continue;
        };
        let started = time(recording, "StartTimestamp").map_err(|e| e.within("Recordings"))?;
        let fields = json!({"url": location, "startTimestamp": started});
        timeline.push("recording-added", started.unwrap_or(at), fields)?;
    }
    Ok(())
}

/// Connect's own agent figures, kept beside the derived ones; holds without times flagged.
fn keep_figures(record: &mut Interaction, agent: Option<&Value>) {
    let Some(agent) = agent else { return };
    const FIGURES: [&str; 6] = [
        "AgentInteractionDuration",
        "CustomerHoldDuration",
        "NumberOfHolds",
        "LongestHoldDuration",
        "AfterContactWorkDuration",
        "AgentPauseDuration",
    ];
    for figure in FIGURES {
        if let Some(value) = agent.get(figure).filter(|v| !v.is_null()) {
            let key = format!("{PREFIX}.Agent.{figure}");
            record.extensions.insert(key, value.clone());
        }
    }
    let holds = agent
        .get("NumberOfHolds")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if holds > 0 {
        let held = agent
            .get("CustomerHoldDuration")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        record.flags.push(Flag {
            code: "source-holds-without-times".into(),
            message: format!(
                "Amazon Connect counts {holds} holds ({held} s) without their times; they are \
                 not on the timeline, so talk time includes them"
            ),
            event_id: None,
            timestamp: None,
        });
        record.flagged = true;
    }
}

#[cfg(test)]
mod tests;

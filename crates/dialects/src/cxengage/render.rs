//! Pure renderers from the canonical record to CxEngage's JSON (the interaction document of
//! the seed and the contact-history item).
//!
//! Top-level fields that are null or empty are omitted, as CxEngage does by default
//! (`include_nulls` keeps them); `details` always carries its fixed keys, nulls included,
//! as in the seed's sample.

use interlog_core::record::{
    AgentAllocation, ChannelType, Direction, Hook, Interaction, Message, Note, QueueEntry, Segment,
    SegmentStartType,
};
use serde_json::{json, Map, Value};

/// A canonical enum's wire name (`customer-disconnect`).
pub(super) fn wire<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// An object from (key, value) pairs, leaving out nulls (and empty arrays unless told).
pub(super) fn object(pairs: Vec<(&str, Value)>, keep_empty: bool) -> Value {
    let mut map = Map::new();
    for (key, value) in pairs {
        let empty = value.is_null()
            || value
                .as_array()
                .is_some_and(|a| a.is_empty() && !keep_empty);
        if !empty || keep_empty {
            map.insert(key.into(), value);
        }
    }
    Value::Object(map)
}

/// The customer as CxEngage names them: their address (phone number, e-mail), else their id.
pub(super) fn customer(rec: &Interaction) -> Value {
    let customer = rec.customer.as_ref();
    let address = customer
        .and_then(|c| c.address.clone())
        .or_else(|| customer.and_then(|c| c.id.as_ref().map(ToString::to_string)));
    json!(address)
}

fn segment_start_type(kind: SegmentStartType) -> &'static str {
    match kind {
        SegmentStartType::Interaction => "interaction",
        SegmentStartType::Transfer => "transfer",
        SegmentStartType::AddParticipant => "addParticipant",
    }
}

fn render_segment(s: &Segment) -> Value {
    object(
        vec![
            ("segmentNumber", json!(s.segment_number)),
            ("interactionSegmentId", json!(s.interaction_segment_id)),
            (
                "segmentStartType",
                json!(segment_start_type(s.segment_start_type)),
            ),
            ("startTimestamp", json!(s.start_timestamp)),
            ("endTimestamp", json!(s.end_timestamp)),
            ("segmentEndType", wire(s.segment_end_type)),
            ("segmentCancelled", json!(s.segment_cancelled)),
            ("segmentCancelTime", json!(s.segment_cancel_time)),
            ("segmentTime", json!(s.segment_time)),
            ("segmentAgentId", json!(s.segment_agent_id)),
            ("segmentToAgentId", json!(s.segment_to_agent_id)),
        ],
        false,
    )
}

fn render_queue(q: &QueueEntry) -> Value {
    object(
        vec![
            ("interactionQueueId", json!(q.interaction_queue_id)),
            ("interactionSegmentId", json!(q.interaction_segment_id)),
            ("queueId", json!(q.queue_id)),
            ("queueName", json!(q.queue_name)),
            ("platformQueueId", json!(q.platform_queue_id)),
            ("queueType", wire(q.queue_type)),
            ("queueEntryType", wire(q.queue_entry_type)),
            ("queueEntryLength", json!(q.queue_entry_length)),
            ("startTimestamp", json!(q.start_timestamp)),
            ("endTimestamp", json!(q.end_timestamp)),
            ("queueExitType", wire(q.queue_exit_type)),
            ("agentId", json!(q.agent_id)),
            ("queueTime", json!(q.queue_time)),
            ("queueAbandoned", json!(q.queue_abandoned)),
            ("queueAbandonTime", json!(q.queue_abandon_time)),
            ("slaTime", json!(q.sla_time)),
            ("slaAbandoned", json!(q.sla_abandoned)),
        ],
        false,
    )
}

fn render_agent(a: &AgentAllocation) -> Value {
    object(
        vec![
            ("interactionAgentId", json!(a.interaction_agent_id)),
            ("agentId", json!(a.agent_id)),
            ("agentName", json!(a.agent_name)),
            ("sessionId", json!(a.session_id)),
            ("tenantAgentId", json!(a.tenant_agent_id)),
            ("platformAgentId", json!(a.platform_agent_id)),
            ("queueId", json!(a.queue_id)),
            ("interactionSegmentId", json!(a.interaction_segment_id)),
            ("startTimestamp", json!(a.start_timestamp)),
            ("endTimestamp", json!(a.end_timestamp)),
        ],
        false,
    )
}

fn render_hook(h: &Hook) -> Value {
    object(
        vec![
            ("interactionHookId", json!(h.interaction_hook_id)),
            ("hookType", json!(h.hook_type)),
            ("hookSubType", json!(h.hook_sub_type)),
            ("hookId", json!(h.hook_id)),
            ("hookName", json!(h.hook_name)),
            ("hookedBy", json!(h.hooked_by)),
            ("agentId", json!(h.agent_id)),
            ("timestamp", json!(h.timestamp)),
        ],
        false,
    )
}

/// The single-interaction document. `include_nulls` keeps null and empty top-level fields.
pub fn render_interaction(rec: &Interaction, include_nulls: bool) -> Value {
    let mut fields = identity(rec);
    fields.extend(statistics(rec));
    fields.extend(timeline(rec));
    object(fields, include_nulls)
}

/// Who, when, which channel, flow and disposition.
fn identity(rec: &Interaction) -> Vec<(&'static str, Value)> {
    let flow = rec.flow.as_ref();
    let disposition = rec.disposition.as_ref();
    vec![
        ("tenantId", json!(rec.tenant_id)),
        ("interactionId", json!(rec.interaction_id)),
        ("startTimestamp", json!(rec.start_timestamp)),
        ("endTimestamp", json!(rec.end_timestamp)),
        ("customer", customer(rec)),
        ("contactPoint", json!(rec.contact_point)),
        ("contactId", json!(rec.contact_id)),
        ("direction", wire(rec.direction)),
        ("channelType", wire(rec.channel_type)),
        ("flowId", json!(flow.and_then(|f| f.id.clone()))),
        ("flowName", json!(flow.and_then(|f| f.name.clone()))),
        (
            "dispositionId",
            json!(disposition.and_then(|d| d.id.clone())),
        ),
        (
            "dispositionName",
            json!(disposition.and_then(|d| d.name.clone())),
        ),
    ]
}

/// The customer's statistics, as the projection computed them (absent where CxEngage omits
/// them: no hold time without holds, no talk or conversation time without agents, no zero
/// transfers; the abandon flags only when true, as `flagged`).
fn statistics(rec: &Interaction) -> Vec<(&'static str, Value)> {
    let stats = &rec.statistics;
    let holds = stats.customer_holds > 0;
    let talked = !rec.agents.is_empty();
    vec![
        ("interactionTime", json!(stats.interaction_time)),
        ("ivrTime", json!(stats.ivr_time)),
        ("ivrAbandoned", json!(stats.ivr_abandoned.then_some(true))),
        ("ivrAbandonTime", json!(stats.ivr_abandon_time)),
        ("customerAbandonTime", json!(stats.customer_abandon_time)),
        ("customerHolds", json!(stats.customer_holds)),
        ("customerHoldTime", json!(holds.then_some(stats.hold_time))),
        (
            "customerHoldAbandoned",
            json!(holds.then_some(stats.customer_hold_abandoned)),
        ),
        ("customerTalkTime", json!(talked.then_some(stats.talk_time))),
        (
            "customerConversationTime",
            json!(stats.customer_conversation_time),
        ),
        (
            "customerTransfers",
            json!((stats.transfers > 0).then_some(stats.transfers)),
        ),
        ("thirdPartyTime", json!(stats.third_party_time)),
        ("customerSatisfactionScore", json!(rec.csat)),
        ("updated", json!(stats.updated)),
    ]
}

/// `details`, then what happened: segments, queues, agents, hooks, attributes, notes,
/// recording, transcript, and the flag (its type and time are the first flag's code and
/// time).
fn timeline(rec: &Interaction) -> Vec<(&'static str, Value)> {
    let all = |values: Vec<Value>| Value::Array(values);
    vec![
        ("details", details(rec)),
        (
            "segments",
            all(rec.segments.iter().map(render_segment).collect()),
        ),
        ("queues", all(rec.queues.iter().map(render_queue).collect())),
        ("agents", all(rec.agents.iter().map(render_agent).collect())),
        ("hooks", all(rec.hooks.iter().map(render_hook).collect())),
        (
            "interactionAttributes",
            if rec.attributes.is_empty() {
                Value::Null
            } else {
                json!(rec.attributes)
            },
        ),
        ("notes", all(rec.notes.iter().map(render_note).collect())),
        (
            "audioRecording",
            json!(rec.recordings.first().map(|r| &r.url)),
        ),
        (
            "messagingTranscript",
            all(rec.messages.iter().map(render_message).collect()),
        ),
        (
            "flagged",
            if rec.flagged {
                json!(true)
            } else {
                Value::Null
            },
        ),
        ("flagType", json!(rec.flags.first().map(|f| &f.code))),
        (
            "flagTimestamp",
            json!(rec.flags.first().and_then(|f| f.timestamp)),
        ),
    ]
}

/// `details`: fixed keys, nulls included, as in the seed's sample.
fn details(rec: &Interaction) -> Value {
    let agents: Vec<Value> = rec
        .agents
        .iter()
        .map(|a| json!({"agentId": a.agent_id, "agentName": a.agent_name}))
        .collect();
    json!({
        "interactionId": rec.interaction_id,
        "startTimestamp": rec.start_timestamp,
        "endTimestamp": rec.end_timestamp,
        "customer": customer(rec),
        "contactPoint": rec.contact_point,
        "contactId": rec.contact_id,
        "csat": rec.csat,
        "direction": wire(rec.direction),
        "channelType": wire(rec.channel_type),
        "agents": agents,
    })
}

pub(super) fn render_message(m: &Message) -> Value {
    object(
        vec![
            ("messageId", json!(m.message_id)),
            ("timestamp", json!(m.timestamp)),
            ("from", json!(m.participant.as_str())),
            ("agentId", json!(m.agent.as_ref().map(|a| &a.id))),
            ("text", json!(m.text)),
        ],
        false,
    )
}

pub(super) fn render_note(n: &Note) -> Value {
    object(
        vec![
            ("noteId", json!(n.note_id)),
            ("text", json!(n.text)),
            ("agentId", json!(n.agent_id)),
            ("timestamp", json!(n.timestamp)),
        ],
        false,
    )
}

fn channel_name(channel: Option<ChannelType>) -> Value {
    json!(channel.map(|c| match c {
        ChannelType::Voice => "Voice",
        ChannelType::Chat => "Chat",
        ChannelType::Email => "Email",
        ChannelType::Sms => "SMS",
        ChannelType::Messaging => "Messaging",
        ChannelType::Social => "Social",
        ChannelType::Video => "Video",
        ChannelType::WorkItem => "Work Item",
    }))
}

/// One item of a contact's history (`/contacts/{id}/interactions`), nulls kept as in the
/// vendor's sample.
pub fn render_contact_item(rec: &Interaction) -> Value {
    let last_agent = rec.agents.last();
    let last_queue = rec.queues.last();
    let transcript: Vec<Value> = rec
        .messages
        .iter()
        .map(|m| json!({"from": m.participant.as_str(), "text": m.text, "timestamp": m.timestamp}))
        .collect();
    json!({
        "interactionId": rec.interaction_id,
        "startTimestamp": rec.start_timestamp,
        "endTimestamp": rec.end_timestamp,
        "customer": customer(rec),
        "channelType": wire(rec.channel_type),
        "channelName": channel_name(rec.channel_type),
        "directionType": wire(rec.direction),
        "directionName": rec.direction.map(Direction::title),
        "lastAgentId": last_agent.map(|a| &a.agent_id),
        "lastAgentName": last_agent.and_then(|a| a.agent_name.as_deref()),
        "lastQueueId": last_queue.and_then(|q| q.queue_id.as_deref()),
        "lastQueueName": last_queue.and_then(|q| q.queue_name.as_deref()),
        "lastDispositionId": rec.disposition.as_ref().and_then(|d| d.id.as_deref()),
        "lastDispositionName": rec.disposition.as_ref().and_then(|d| d.name.as_deref()),
        "csat": rec.csat,
        "note": rec.notes.len(),
        "recording": rec.recordings.first().map(|r| &r.url),
        "transcript": if transcript.is_empty() { Value::Null } else { Value::Array(transcript) },
    })
}

//! Canonical record -> Talkdesk interaction (the item of "Retrieve all Interactions"), every
//! field of the vendor's schema, null when unknown.

use interlog_core::record::{ChannelType, Direction, Interaction, Message, Participant};
use interlog_core::AgentId;
use serde_json::{json, Value};

use super::RING_GROUPS;

/// The message channel when the source did not name it: from the interaction's channel.
fn default_channel(channel: Option<ChannelType>) -> &'static str {
    match channel {
        Some(ChannelType::Voice) => "VOICE",
        Some(ChannelType::Chat) => "CHAT",
        Some(ChannelType::Sms) => "SMS",
        _ => "DIGITAL_CONNECT",
    }
}

/// The producing system when the source did not name it: speech-to-text for calls, the
/// virtual agent for bot turns, digital engagement otherwise.
fn default_source(channel: Option<ChannelType>, participant: Participant) -> &'static str {
    match (channel, participant) {
        (_, Participant::Bot) => "VA",
        (Some(ChannelType::Voice), _) => "STT",
        _ => "DCE",
    }
}

/// Ring groups: as imported, else the queues the interaction went through.
fn ring_groups(rec: &Interaction) -> Vec<String> {
    if let Some(Value::Array(groups)) = rec.attributes.get(RING_GROUPS) {
        return groups
            .iter()
            .filter_map(|g| g.as_str().map(str::to_owned))
            .collect();
    }
    let mut groups: Vec<String> = Vec::new();
    for queue in &rec.queues {
        if let Some(name) = queue.queue_name.clone().or_else(|| queue.queue_id.clone()) {
            if !groups.contains(&name) {
                groups.push(name);
            }
        }
    }
    groups
}

/// The agents who handled the interaction, once each, with a name when one is known.
fn agents(rec: &Interaction) -> Vec<Value> {
    let mut seen: Vec<(&AgentId, Option<&str>)> = Vec::new();
    for allocation in &rec.agents {
        match seen.iter_mut().find(|(id, _)| **id == allocation.agent_id) {
            Some((_, name)) => *name = name.or(allocation.agent_name.as_deref()),
            None => seen.push((&allocation.agent_id, allocation.agent_name.as_deref())),
        }
    }
    seen.into_iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect()
}

fn render_message(rec: &Interaction, m: &Message) -> Value {
    json!({
        "message_id": m.message_id,
        "text": m.text,
        "channel": m.channel.as_deref().unwrap_or(default_channel(rec.channel_type)),
        "participant": m.participant.as_str(),
        "sentiment": m.sentiment,
        "intent": m.intent,
        "intent_confidence_score": m.intent_confidence,
        "intent_is_fallback": m.intent_is_fallback,
        "start_time": m.start_offset,
        "end_time": m.end_offset,
        "transcription_type": m.transcription_type,
        "source_system": m.source_system.as_deref().unwrap_or(default_source(rec.channel_type, m.participant)),
        "recording_index": m.recording_index,
        "message_index": m.message_index,
        "message_start_at": m.timestamp.format(6),
        "agent_id": m.agent.as_ref().map(|a| &a.id),
        "agent_name": m.agent.as_ref().and_then(|a| a.name.as_deref()),
    })
}

/// One record as a Talkdesk interaction (every field of the vendor's schema, null when
/// unknown).
pub fn render_interaction(rec: &Interaction) -> Value {
    json!({
        "id": rec.interaction_id,
        "customer_id": rec.customer_key(),
        "started_at": rec.start_timestamp.format(6),
        "ended_at": rec.end_timestamp.map(|t| t.format(6)),
        "direction": rec.direction.map(Direction::as_str),
        "ring_groups": ring_groups(rec),
        "messages": rec.messages.iter().map(|m| render_message(rec, m)).collect::<Vec<_>>(),
        "agents": agents(rec),
    })
}

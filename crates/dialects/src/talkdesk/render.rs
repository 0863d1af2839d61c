//! Canonical record -> Talkdesk interaction (the item of "Retrieve all Interactions"), every
//! field of the vendor's schema, null when unknown.

use interlog_core::record::{ChannelType, Direction, Interaction, Message, Participant};
use interlog_core::{AgentId, InteractionId};
use serde::Serialize;
use serde_json::Value;

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
fn agents(rec: &Interaction) -> Vec<Agent<'_>> {
    let mut seen: Vec<Agent<'_>> = Vec::new();
    for allocation in &rec.agents {
        match seen
            .iter_mut()
            .find(|agent| *agent.id == allocation.agent_id)
        {
            Some(agent) => agent.name = agent.name.or(allocation.agent_name.as_deref()),
            None => seen.push(Agent {
                id: &allocation.agent_id,
                name: allocation.agent_name.as_deref(),
            }),
        }
    }
    seen
}

/// One record as a Talkdesk interaction, borrowed from it and serialized as it is: a page
/// of them is written without building (and dropping) a `Value` for each, which cost about
/// a third of a page's CPU. The fields of these structs are in alphabetical order, as a
/// `Value`'s object prints them, so [`render_interaction`] and a page print the same bytes.
#[derive(Serialize)]
pub struct TalkdeskInteraction<'a> {
    agents: Vec<Agent<'a>>,
    customer_id: Option<&'a str>,
    direction: Option<&'static str>,
    ended_at: Option<String>,
    id: &'a InteractionId,
    messages: Vec<TalkdeskMessage<'a>>,
    ring_groups: Vec<String>,
    started_at: String,
}

#[derive(Serialize)]
struct Agent<'a> {
    id: &'a AgentId,
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct TalkdeskMessage<'a> {
    agent_id: Option<&'a AgentId>,
    agent_name: Option<&'a str>,
    channel: &'a str,
    end_time: Option<f64>,
    intent: Option<&'a str>,
    intent_confidence_score: Option<f64>,
    intent_is_fallback: Option<bool>,
    message_id: &'a str,
    message_index: Option<u32>,
    message_start_at: String,
    participant: &'static str,
    recording_index: Option<u32>,
    sentiment: Option<&'a str>,
    source_system: &'a str,
    start_time: Option<f64>,
    text: &'a str,
    transcription_type: Option<&'a str>,
}

fn message<'a>(rec: &Interaction, m: &'a Message) -> TalkdeskMessage<'a> {
    TalkdeskMessage {
        agent_id: m.agent.as_ref().map(|a| &a.id),
        agent_name: m.agent.as_ref().and_then(|a| a.name.as_deref()),
        channel: m
            .channel
            .as_deref()
            .unwrap_or(default_channel(rec.channel_type)),
        end_time: m.end_offset,
        intent: m.intent.as_deref(),
        intent_confidence_score: m.intent_confidence,
        intent_is_fallback: m.intent_is_fallback,
        message_id: &m.message_id,
        message_index: m.message_index,
        message_start_at: m.timestamp.format(6),
        participant: m.participant.as_str(),
        recording_index: m.recording_index,
        sentiment: m.sentiment.as_deref(),
        source_system: (m.source_system.as_deref())
            .unwrap_or(default_source(rec.channel_type, m.participant)),
        start_time: m.start_offset,
        text: &m.text,
        transcription_type: m.transcription_type.as_deref(),
    }
}

/// One record as a Talkdesk interaction (every field of the vendor's schema, null when
/// unknown), to serialize.
pub fn interaction(rec: &Interaction) -> TalkdeskInteraction<'_> {
    TalkdeskInteraction {
        agents: agents(rec),
        customer_id: rec.customer_key(),
        direction: rec.direction.map(Direction::as_str),
        ended_at: rec.end_timestamp.map(|t| t.format(6)),
        id: &rec.interaction_id,
        messages: rec.messages.iter().map(|m| message(rec, m)).collect(),
        ring_groups: ring_groups(rec),
        started_at: rec.start_timestamp.format(6),
    }
}

/// One record as a Talkdesk interaction, as a `Value`.
pub fn render_interaction(rec: &Interaction) -> Value {
    serde_json::to_value(interaction(rec)).expect("a Talkdesk interaction serializes")
}

#[cfg(test)]
mod tests {
    use interlog_core::record::AgentRef;
    use interlog_core::{TenantId, Timestamp};

    use super::*;

    /// A page prints a record's fields in the order its `Value` does (alphabetical), so
    /// the two print the same bytes.
    #[test]
    fn an_interaction_prints_as_its_value_does() {
        let start = Timestamp::from_millis(1_700_000_000_000);
        let tenant = TenantId::parse("acme").unwrap();
        let mut rec = Interaction::new(tenant, InteractionId::parse("i-1").unwrap(), start);
        rec.channel_type = Some(ChannelType::Voice);
        rec.messages.push(Message {
            message_id: "m-1".into(),
            timestamp: start,
            participant: Participant::Agent,
            text: "hello".into(),
            channel: None,
            agent: Some(AgentRef {
                id: AgentId::parse("a-1").unwrap(),
                name: Some("Ann".into()),
            }),
            sentiment: None,
            intent: Some("greet".into()),
            intent_confidence: Some(0.5),
            intent_is_fallback: None,
            source_system: None,
            recording_index: None,
            message_index: Some(0),
            start_offset: Some(1.25),
            end_offset: None,
            transcription_type: None,
        });
        let printed = serde_json::to_string(&interaction(&rec)).unwrap();
        assert_eq!(printed, render_interaction(&rec).to_string());
        assert!(
            printed.contains(r#""agent_name":"Ann","channel":"VOICE""#),
            "{printed}"
        );
    }
}

//! Talkdesk interaction -> canonical record, for `interlog import --format talkdesk`: the
//! inverse of [`render`](super::render), so an imported page renders back field for field.
//! Ring groups have no canonical home: they are kept in the record's attributes.

use interlog_core::record::{
    AgentAllocation, AgentRef, ChannelType, Customer, Direction, Interaction, Message, Participant,
    Status,
};
use interlog_core::{AgentId, CustomerId, InteractionId, TenantId, Timestamp};
use serde_json::Value;

use super::RING_GROUPS;
use crate::ImportError;

fn text<'a>(value: &'a Value, field: &str) -> Result<Option<&'a str>, ImportError> {
    match &value[field] {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        _ => Err(ImportError::new(field, "expected a string")),
    }
}

fn required<'a>(value: &'a Value, field: &str) -> Result<&'a str, ImportError> {
    text(value, field)?.ok_or_else(|| ImportError::new(field, "is required"))
}

fn timestamp(value: &Value, field: &str) -> Result<Option<Timestamp>, ImportError> {
    text(value, field)?
        .map(|s| Timestamp::parse(s).map_err(|e| ImportError::new(field, e.to_string())))
        .transpose()
}

fn number(value: &Value, field: &str) -> Option<f64> {
    value[field].as_f64()
}

fn index(value: &Value, field: &str) -> Option<u32> {
    value[field].as_u64().and_then(|n| u32::try_from(n).ok())
}

fn parse_participant(raw: &str) -> Result<Participant, ImportError> {
    match raw.to_ascii_lowercase().as_str() {
        "customer" | "contact" | "client" => Ok(Participant::Customer),
        "agent" => Ok(Participant::Agent),
        "bot" | "virtual_agent" | "va" => Ok(Participant::Bot),
        "system" => Ok(Participant::System),
        other => Err(ImportError::new(
            "participant",
            format!("{other:?} is not customer, agent, bot or system"),
        )),
    }
}

fn parse_message(value: &Value, fallback_time: Timestamp) -> Result<Message, ImportError> {
    let agent = match text(value, "agent_id")? {
        Some(id) => Some(AgentRef {
            id: AgentId::parse(id).map_err(|e| ImportError::new("agent_id", e.to_string()))?,
            name: text(value, "agent_name")?.map(str::to_owned),
        }),
        None => None,
    };
    Ok(Message {
        message_id: required(value, "message_id")?.to_string(),
        timestamp: timestamp(value, "message_start_at")?.unwrap_or(fallback_time),
        participant: parse_participant(required(value, "participant")?)?,
        text: required(value, "text")?.to_string(),
        channel: text(value, "channel")?.map(str::to_owned),
        agent,
        sentiment: text(value, "sentiment")?.map(str::to_owned),
        intent: text(value, "intent")?.map(str::to_owned),
        intent_confidence: number(value, "intent_confidence_score"),
        intent_is_fallback: value["intent_is_fallback"].as_bool(),
        source_system: text(value, "source_system")?.map(str::to_owned),
        recording_index: index(value, "recording_index"),
        message_index: index(value, "message_index"),
        start_offset: number(value, "start_time"),
        end_offset: number(value, "end_time"),
        transcription_type: text(value, "transcription_type")?.map(str::to_owned),
    })
}

/// A Talkdesk interaction as a canonical record (for an `interaction-imported` event).
pub fn parse_interaction(tenant: &TenantId, value: &Value) -> Result<Interaction, ImportError> {
    let id = InteractionId::parse(required(value, "id")?)
        .map_err(|e| ImportError::new("id", e.to_string()))?;
    let start = timestamp(value, "started_at")?
        .ok_or_else(|| ImportError::new("started_at", "is required"))?;
    let mut rec = Interaction::new(tenant.clone(), id, start);
    rec.end_timestamp = timestamp(value, "ended_at")?;
    rec.status = if rec.end_timestamp.is_some() {
        Status::Ended
    } else {
        Status::Active
    };
    rec.direction = parse_direction(text(value, "direction")?)?;
    rec.customer = parse_customer(text(value, "customer_id")?)?;
    if let Some(groups) = value["ring_groups"].as_array() {
        rec.attributes
            .insert(RING_GROUPS.into(), Value::Array(groups.clone()));
    }
    for (n, message) in items(value, "messages") {
        let message =
            parse_message(message, start).map_err(|e| e.within(&format!("messages[{n}]")))?;
        if rec.channel_type.is_none() {
            rec.channel_type = channel_of(message.channel.as_deref());
        }
        rec.messages.push(message);
    }
    for (n, agent) in items(value, "agents") {
        let agent = parse_agent(&rec, n, agent).map_err(|e| e.within(&format!("agents[{n}]")))?;
        rec.agents.push(agent);
    }
    Ok(rec)
}

/// The items of the array `name` (none when it is absent), numbered.
fn items<'a>(value: &'a Value, name: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    value[name].as_array().into_iter().flatten().enumerate()
}

fn parse_direction(raw: Option<&str>) -> Result<Option<Direction>, ImportError> {
    match raw.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(None),
        Some("inbound") => Ok(Some(Direction::Inbound)),
        Some("outbound") => Ok(Some(Direction::Outbound)),
        Some("internal") => Ok(Some(Direction::Internal)),
        Some(other) => Err(ImportError::new(
            "direction",
            format!("{other:?} is not inbound, outbound or internal"),
        )),
    }
}

fn parse_customer(raw: Option<&str>) -> Result<Option<Customer>, ImportError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let id = CustomerId::parse(raw).map_err(|e| ImportError::new("customer_id", e.to_string()))?;
    Ok(Some(Customer {
        id: Some(id),
        address: None,
        name: None,
    }))
}

/// An agent of the interaction, allocated for all of it (Talkdesk gives no times).
fn parse_agent(rec: &Interaction, n: usize, agent: &Value) -> Result<AgentAllocation, ImportError> {
    let id = required(agent, "id")?;
    Ok(AgentAllocation {
        interaction_agent_id: format!("{}-agent-{n}", rec.interaction_id),
        agent_id: AgentId::parse(id).map_err(|e| ImportError::new("id", e.to_string()))?,
        agent_name: text(agent, "name")?.map(str::to_owned),
        session_id: None,
        tenant_agent_id: None,
        platform_agent_id: None,
        queue_id: None,
        interaction_segment_id: None,
        start_timestamp: rec.start_timestamp,
        end_timestamp: rec.end_timestamp,
        holds: 0,
        hold_time: Default::default(),
        talk_time: None,
        handle_time: None,
    })
}

/// The canonical channel a Talkdesk message channel implies.
fn channel_of(channel: Option<&str>) -> Option<ChannelType> {
    match channel? {
        "VOICE" => Some(ChannelType::Voice),
        "CHAT" | "WEBCHAT" => Some(ChannelType::Chat),
        "SMS" => Some(ChannelType::Sms),
        _ => Some(ChannelType::Messaging),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::render::render_interaction;
    use super::*;

    fn page_item() -> Value {
        json!({
            "id": "597a2201-9d7e-470e-a699-abc5ec114973",
            "customer_id": "e7a89c2e-4257-4e38-81f1-854dd94d6574",
            "started_at": "2020-03-10T00:00:00.000000Z",
            "ended_at": "2020-03-10T00:04:00.000000Z",
            "direction": "inbound",
            "ring_groups": ["support", "billing"],
            "messages": [{
                "message_id": "u-1", "text": "I want to cancel", "channel": "VOICE", "participant": "customer",
                "sentiment": "negative", "intent": "cancel", "intent_confidence_score": 0.9, "intent_is_fallback": false,
                "start_time": 1.2, "end_time": 3.4, "transcription_type": "final", "source_system": "STT",
                "recording_index": 0, "message_index": 0, "message_start_at": "2020-03-10T00:00:01.200000Z",
                "agent_id": null, "agent_name": null
            }, {
                "message_id": "u-2", "text": "Let me help", "channel": "VOICE", "participant": "agent",
                "sentiment": "neutral", "intent": null, "intent_confidence_score": null, "intent_is_fallback": null,
                "start_time": 3.5, "end_time": 4.0, "transcription_type": "final", "source_system": "STT",
                "recording_index": 0, "message_index": 1, "message_start_at": "2020-03-10T00:00:03.500000Z",
                "agent_id": "2cfc7d5a-7e89-403d-b257-891247b88829", "agent_name": "Ann Smith"
            }],
            "agents": [{"id": "2cfc7d5a-7e89-403d-b257-891247b88829", "name": "Ann Smith"}]
        })
    }

    #[test]
    fn an_imported_interaction_renders_back_field_for_field() {
        let tenant = TenantId::parse("acme").unwrap();
        let rec = parse_interaction(&tenant, &page_item()).unwrap();
        assert_eq!(render_interaction(&rec), page_item());
    }

    #[test]
    fn import_errors_name_the_field() {
        let tenant = TenantId::parse("acme").unwrap();
        let mut bad = page_item();
        bad["messages"][1]["participant"] = json!("martian");
        assert_eq!(
            parse_interaction(&tenant, &bad).unwrap_err().field,
            "messages[1].participant"
        );
        bad = page_item();
        bad["started_at"] = json!("yesterday");
        assert_eq!(
            parse_interaction(&tenant, &bad).unwrap_err().field,
            "started_at"
        );
    }
}

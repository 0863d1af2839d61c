//! CxEngage interaction documents (as the single-interaction API returns them) to canonical
//! records, for `interlog import --format cxengage`. The inverse of `render`: a document
//! imported and read back has the same fields. Statistics are not read: the projection
//! derives them from the imported timeline (customerAbandonTime gives the disconnect time,
//! customerHolds and customerHoldTime give holds).

use interlog_core::record::{
    AgentAllocation, AgentRef, Customer, Hold, Hook, Interaction, Message, Named, Note,
    Participant, QueueEntry, Recording, Segment, SegmentStartType, Status,
};
use interlog_core::{AgentId, InteractionId, Seconds, TenantId, Timestamp};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ImportError;

/// A field of `value` deserialized as `T` (absent or null gives `None`).
fn field<T: DeserializeOwned>(
    value: &Value,
    path: &str,
    name: &str,
) -> Result<Option<T>, ImportError> {
    match value.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|e| ImportError::new(&format!("{path}{name}"), e.to_string())),
    }
}

fn required<T: DeserializeOwned>(value: &Value, path: &str, name: &str) -> Result<T, ImportError> {
    field(value, path, name)?
        .ok_or_else(|| ImportError::new(&format!("{path}{name}"), "is required"))
}

fn items<'a>(value: &'a Value, name: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    value
        .get(name)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

fn segment(v: &Value, path: &str) -> Result<Segment, ImportError> {
    let start_type = match field::<String>(v, path, "segmentStartType")?.as_deref() {
        None | Some("interaction") => SegmentStartType::Interaction,
        Some("transfer") => SegmentStartType::Transfer,
        Some("addParticipant" | "addParticant" | "add-participant") => {
            SegmentStartType::AddParticipant
        }
        Some(other) => {
            return Err(ImportError::new(
                &format!("{path}segmentStartType"),
                format!("{other:?} is not interaction, transfer or addParticipant"),
            ))
        }
    };
    Ok(Segment {
        segment_number: required(v, path, "segmentNumber")?,
        interaction_segment_id: required(v, path, "interactionSegmentId")?,
        segment_start_type: start_type,
        start_timestamp: required(v, path, "startTimestamp")?,
        end_timestamp: field(v, path, "endTimestamp")?,
        segment_end_type: field(v, path, "segmentEndType")?,
        segment_cancelled: field(v, path, "segmentCancelled")?.unwrap_or(false),
        segment_agent_id: field(v, path, "segmentAgentId")?,
        segment_to_agent_id: field(v, path, "segmentToAgentId")?,
        segment_to_queue_id: None,
        segment_time: None,
        segment_cancel_time: None,
    })
}

fn queue(v: &Value, path: &str) -> Result<QueueEntry, ImportError> {
    Ok(QueueEntry {
        interaction_queue_id: required(v, path, "interactionQueueId")?,
        interaction_segment_id: field(v, path, "interactionSegmentId")?,
        queue_id: field(v, path, "queueId")?,
        queue_name: field(v, path, "queueName")?,
        platform_queue_id: field(v, path, "platformQueueId")?,
        queue_type: field(v, path, "queueType")?,
        queue_entry_type: field(v, path, "queueEntryType")?,
        queue_entry_length: field(v, path, "queueEntryLength")?,
        sla_threshold: interlog_core::projection::DEFAULT_SLA_THRESHOLD,
        start_timestamp: required(v, path, "startTimestamp")?,
        end_timestamp: field(v, path, "endTimestamp")?,
        queue_exit_type: field(v, path, "queueExitType")?,
        agent_id: field(v, path, "agentId")?,
        queue_time: None,
        queue_abandoned: false,
        queue_abandon_time: None,
        sla_time: None,
        sla_abandoned: false,
    })
}

fn agent(v: &Value, path: &str) -> Result<AgentAllocation, ImportError> {
    Ok(AgentAllocation {
        interaction_agent_id: required(v, path, "interactionAgentId")?,
        agent_id: required(v, path, "agentId")?,
        agent_name: field(v, path, "agentName")?,
        session_id: field(v, path, "sessionId")?,
        tenant_agent_id: field(v, path, "tenantAgentId")?,
        platform_agent_id: field(v, path, "platformAgentId")?,
        queue_id: field(v, path, "queueId")?,
        interaction_segment_id: field(v, path, "interactionSegmentId")?,
        start_timestamp: required(v, path, "startTimestamp")?,
        end_timestamp: field(v, path, "endTimestamp")?,
        holds: 0,
        hold_time: Seconds::ZERO,
        talk_time: None,
        handle_time: None,
    })
}

fn hook(v: &Value, path: &str) -> Result<Hook, ImportError> {
    Ok(Hook {
        interaction_hook_id: field(v, path, "interactionHookId")?,
        hook_type: required(v, path, "hookType")?,
        hook_sub_type: field(v, path, "hookSubType")?,
        hook_id: required(v, path, "hookId")?,
        hook_name: field(v, path, "hookName")?,
        hooked_by: field(v, path, "hookedBy")?,
        agent_id: field(v, path, "agentId")?,
        timestamp: field(v, path, "timestamp")?,
    })
}

fn message(v: &Value, path: &str) -> Result<Message, ImportError> {
    let agent: Option<AgentId> = field(v, path, "agentId")?;
    Ok(Message {
        message_id: required(v, path, "messageId")?,
        timestamp: required(v, path, "timestamp")?,
        participant: field::<Participant>(v, path, "from")?.unwrap_or(Participant::Customer),
        text: required(v, path, "text")?,
        channel: None,
        agent: agent.map(|id| AgentRef { id, name: None }),
        sentiment: None,
        intent: None,
        intent_confidence: None,
        intent_is_fallback: None,
        source_system: None,
        recording_index: None,
        message_index: None,
        start_offset: None,
        end_offset: None,
        transcription_type: None,
    })
}

fn note(v: &Value, path: &str) -> Result<Note, ImportError> {
    Ok(Note {
        note_id: required(v, path, "noteId")?,
        text: required(v, path, "text")?,
        agent_id: field(v, path, "agentId")?,
        timestamp: required(v, path, "timestamp")?,
    })
}

/// Runs `parse` over the array `name`, naming the failing item in errors.
fn each<T>(
    v: &Value,
    name: &str,
    parse: impl Fn(&Value, &str) -> Result<T, ImportError>,
) -> Result<Vec<T>, ImportError> {
    items(v, name)
        .map(|(n, item)| parse(item, &format!("{name}[{n}].")))
        .collect()
}

/// One CxEngage interaction document as a canonical record.
pub fn parse_interaction(tenant: &TenantId, v: &Value) -> Result<Interaction, ImportError> {
    let details = v.get("details").cloned().unwrap_or(Value::Null);
    let id: InteractionId = required(v, "", "interactionId")?;
    let start: Timestamp = required(v, "", "startTimestamp")?;
    let mut rec = Interaction::new(tenant.clone(), id, start);
    rec.end_timestamp = field(v, "", "endTimestamp")?;
    rec.status = if rec.end_timestamp.is_some() {
        Status::Ended
    } else {
        Status::Active
    };
    rec.channel_type = field(v, "", "channelType")?;
    rec.direction = field(v, "", "direction")?;
    rec.customer = field::<String>(v, "", "customer")?.map(|address| Customer {
        id: None,
        address: Some(address),
        name: None,
    });
    rec.contact_point = field(v, "", "contactPoint")?;
    rec.contact_id = field(v, "", "contactId")?.or(field(&details, "details.", "contactId")?);
    rec.csat = field(&details, "details.", "csat")?.or(field(v, "", "customerSatisfactionScore")?);
    let named = |id: Option<String>, name: Option<String>| {
        (id.is_some() || name.is_some()).then_some(Named { id, name })
    };
    rec.flow = named(field(v, "", "flowId")?, field(v, "", "flowName")?);
    rec.disposition = named(
        field(v, "", "dispositionId")?,
        field(v, "", "dispositionName")?,
    );
    rec.customer_disconnect_timestamp = field::<Seconds>(v, "", "customerAbandonTime")?
        .map(|t| Timestamp::from_millis(start.millis() + t.millis()));
    rec.segments = each(v, "segments", segment)?;
    rec.queues = each(v, "queues", queue)?;
    rec.agents = each(v, "agents", agent)?;
    rec.hooks = each(v, "hooks", hook)?;
    rec.notes = each(v, "notes", note)?;
    rec.messages = each(v, "messagingTranscript", message)?;
    rec.recordings = field::<String>(v, "", "audioRecording")?
        .map(|url| Recording {
            url,
            start_timestamp: None,
            duration: None,
        })
        .into_iter()
        .collect();
    let holds: u32 = field(v, "", "customerHolds")?.unwrap_or(0);
    let hold_time: Seconds = field(v, "", "customerHoldTime")?.unwrap_or(Seconds::ZERO);
    for n in 0..holds {
        // Only the count and the total are known: the first hold carries the total.
        let length = if n == 0 { hold_time.millis() } else { 0 };
        rec.holds.push(Hold {
            agent_id: None,
            start_timestamp: start,
            end_timestamp: Some(Timestamp::from_millis(start.millis() + length)),
            hold_time: None,
        });
    }
    Ok(rec)
}

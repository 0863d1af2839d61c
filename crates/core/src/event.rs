//! The event vocabulary, and the one function that turns raw JSON into an [`Event`].
//!
//! Every event has an envelope (`eventId`, `type`, `interactionId`, `timestamp`) and the
//! fields of its type, flat beside the envelope. Unknown fields are rejected rather than
//! dropped: an ingest API that silently ignores a misspelt `quueId` loses data without
//! anyone noticing. Error messages name the field (`queueLength: invalid type: ...`).

use std::collections::BTreeMap;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{AgentId, EventId, InteractionId};
use crate::record::{
    AgentRef, Attributes, BinaryKind, CallerKeys, ChannelType, Choice, Customer, Direction,
    Interaction, Named, Participant, Photo, PlatformRef, QueueEntryType, QueueExitType,
    QueueType,
};
use crate::time::{Seconds, Timestamp};

/// One lifecycle fact about one interaction.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub event_id: EventId,
    pub interaction_id: InteractionId,
    pub timestamp: Timestamp,
    pub body: EventBody,
}

/// Declares the event types once: the enum, its wire names and the dispatch that parses
/// each type's fields with paths intact (serde's internally tagged enums buffer their
/// content and lose the path of a nested error, so we dispatch on `type` ourselves).
macro_rules! event_types {
    ($($name:literal => $variant:ident($payload:ty),)*) => {
        /// The type-specific part of an event; `type` on the wire names the variant.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(tag = "type")]
        pub enum EventBody {
            $(#[serde(rename = $name)] $variant($payload),)*
        }

        impl EventBody {
            /// Every event type's wire name.
            pub const TYPE_NAMES: &'static [&'static str] = &[$($name),*];

            /// The wire name of this event's type.
            pub fn type_name(&self) -> &'static str {
                match self {
                    $(EventBody::$variant(_) => $name,)*
                }
            }

            fn parse(type_name: &str, fields: Value) -> Result<Self, EventError> {
                match type_name {
                    $($name => parse_fields::<$payload>(fields).map(EventBody::$variant),)*
                    other => Err(EventError::new(
                        "type",
                        format!("unknown event type {other:?}; expected one of {}", Self::TYPE_NAMES.join(", ")),
                    )),
                }
            }
        }
    };
}

event_types! {
    "interaction-started" => InteractionStarted(InteractionStarted),
    "flow-step" => FlowStep(FlowStepEvent),
    "queue-entered" => QueueEntered(QueueEntered),
    "queue-exited" => QueueExited(QueueExited),
    "agent-allocated" => AgentAllocated(AgentChange),
    "agent-deallocated" => AgentDeallocated(AgentChange),
    "hold-started" => HoldStarted(HoldChange),
    "hold-ended" => HoldEnded(HoldChange),
    "transfer-started" => TransferStarted(SegmentStarted),
    "participant-add-started" => ParticipantAddStarted(SegmentStarted),
    "transfer-ended" => TransferEnded(SegmentEnded),
    "participant-add-ended" => ParticipantAddEnded(SegmentEnded),
    "message" => Message(MessageEvent),
    "note-added" => NoteAdded(NoteAdded),
    "disposition-set" => DispositionSet(DispositionSet),
    "csat-set" => CsatSet(CsatSet),
    "attributes-set" => AttributesSet(AttributesSet),
    "caller-keys-set" => CallerKeysSet(CallerKeysSet),
    "hook-linked" => HookLinked(HookLinked),
    "content-added" => ContentAdded(ContentAdded),
    "recording-added" => RecordingAdded(RecordingAdded),
    "customer-disconnected" => CustomerDisconnected(NoFields),
    "interaction-ended" => InteractionEnded(InteractionEnded),
    "interaction-imported" => InteractionImported(InteractionImported),
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoFields {}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InteractionStarted {
    pub channel_type: ChannelType,
    pub direction: Direction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_point: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<Named>,
    /// The id of segment 0; derived from the interaction id when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_id: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub attributes: Attributes,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub external_ids: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_keys: Option<CallerKeys>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FlowStepEvent {
    pub step_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Photo>,
    /// Merged into the interaction's variable sets: {setName: {name: value}}.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub variables: BTreeMap<String, Attributes>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueueEntered {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_queue_id: Option<PlatformRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_type: Option<QueueType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_type: Option<QueueEntryType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_queue_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_length: Option<u32>,
    /// Service-level threshold in seconds; 20 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_threshold: Option<Seconds>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueueExited {
    /// The entry this exit closes; the open entry when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_queue_id: Option<String>,
    pub exit_type: QueueExitType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentChange {
    pub agent_id: AgentId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_agent_id: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HoldChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SegmentStarted {
    /// Who starts the transfer or add-participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_agent_id: Option<AgentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_queue_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_id: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentOutcome {
    Success,
    Cancelled,
    CustomerDisconnect,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SegmentEnded {
    pub outcome: SegmentOutcome,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageEvent {
    /// The source's utterance id; the eventId when absent. A repeated id replaces the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    pub participant: Participant,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent_confidence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent_is_fallback: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_index: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_index: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_offset: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_offset: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription_type: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoteAdded {
    /// The eventId when absent; a repeated id replaces the note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_id: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DispositionSet {
    pub disposition: Named,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CsatSet {
    pub csat: f64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttributesSet {
    /// Merged into the attached data; a null value removes the key.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub attributes: Attributes,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallerKeysSet {
    pub caller_keys: CallerKeys,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HookLinked {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_hook_id: Option<String>,
    pub hook_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook_sub_type: Option<String>,
    pub hook_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hooked_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
}

/// Text or binary content. `text` with mime text/plain (or no mime) is the plain text;
/// `text` with another mime is the structured text; `data` (base64) is a binary. A binary
/// uploaded through the content endpoint is referenced by `size` and `sha256` instead.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContentAdded {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<BinaryKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Size in bytes of an uploaded binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// SHA-256 (lowercase hex) of an uploaded binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

impl ContentAdded {
    /// The bytes of an inline binary (`data`), decoded.
    pub fn decoded_data(&self) -> Option<Vec<u8>> {
        let data = self.data.as_ref()?;
        base64::engine::general_purpose::STANDARD.decode(data).ok()
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordingAdded {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_timestamp: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Seconds>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InteractionEnded {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InteractionImported {
    pub record: Box<Interaction>,
}

/// Why a JSON value is not a valid event: the field at fault and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct EventError {
    /// The field at fault, as a JSON path (`queueLength`, `choices[0].kind`); `.` for the whole event.
    pub field: String,
    pub message: String,
}

impl EventError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Parses and validates one event. This is the only way raw JSON becomes an [`Event`], for
/// ingestion and for events read back from the log alike.
pub fn parse_event(value: Value) -> Result<Event, EventError> {
    let Value::Object(mut fields) = value else {
        return Err(EventError::new(".", "an event must be a JSON object"));
    };
    let event_id = take_string(&mut fields, "eventId")?
        .ok_or_else(|| EventError::new("eventId", "missing field `eventId`"))?;
    let event_id = EventId::parse(event_id).map_err(|e| EventError::new("eventId", e.to_string()))?;
    let timestamp = take_string(&mut fields, "timestamp")?
        .ok_or_else(|| EventError::new("timestamp", "missing field `timestamp`"))?;
    let timestamp =
        Timestamp::parse(&timestamp).map_err(|e| EventError::new("timestamp", e.to_string()))?;
    let interaction_id = take_string(&mut fields, "interactionId")?;
    let type_name = take_string(&mut fields, "type")?
        .ok_or_else(|| EventError::new("type", "missing field `type`"))?;
    let body = EventBody::parse(&type_name, Value::Object(fields))?;
    let interaction_id = resolve_interaction_id(interaction_id, &body)?;
    validate_body(&body)?;
    Ok(Event { event_id, interaction_id, timestamp, body })
}

fn take_string(fields: &mut Map<String, Value>, name: &str) -> Result<Option<String>, EventError> {
    match fields.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(EventError::new(name, format!("expected a string, got {other}"))),
    }
}

/// Deserializes one event type's fields, naming the field at fault on error.
fn parse_fields<T: serde::de::DeserializeOwned>(fields: Value) -> Result<T, EventError> {
    serde_path_to_error::deserialize(fields).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // serde reports a missing field at its parent's path; name the field itself.
        let field = match message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
            Some(missing) if path == "." => missing.to_string(),
            Some(missing) => format!("{path}.{missing}"),
            None => path,
        };
        EventError::new(field, message)
    })
}

/// Every event needs its interaction's id, except an import, whose record carries it.
fn resolve_interaction_id(given: Option<String>, body: &EventBody) -> Result<InteractionId, EventError> {
    let invalid = |e: crate::ids::IdError| EventError::new("interactionId", e.to_string());
    match (given, body) {
        (Some(raw), EventBody::InteractionImported(import)) => {
            let id = InteractionId::parse(raw).map_err(invalid)?;
            if id != import.record.interaction_id {
                return Err(EventError::new(
                    "record.interactionId",
                    format!("must equal the event's interactionId {id:?}"),
                ));
            }
            Ok(id)
        }
        (Some(raw), _) => InteractionId::parse(raw).map_err(invalid),
        (None, EventBody::InteractionImported(import)) => Ok(import.record.interaction_id.clone()),
        (None, _) => Err(EventError::new("interactionId", "missing field `interactionId`")),
    }
}

/// Checks that serde's types cannot express.
fn validate_body(body: &EventBody) -> Result<(), EventError> {
    match body {
        EventBody::QueueEntered(q) => {
            if q.sla_threshold.is_some_and(|t| t <= Seconds::ZERO) {
                return Err(EventError::new("slaThreshold", "must be a positive number of seconds"));
            }
        }
        EventBody::Message(m) => {
            if m.intent_confidence.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
                return Err(EventError::new("intentConfidence", "must be between 0 and 1"));
            }
            for (name, offset) in [("startOffset", m.start_offset), ("endOffset", m.end_offset)] {
                if offset.is_some_and(|o| !o.is_finite() || o < 0.0) {
                    return Err(EventError::new(name, "must be a non-negative number of seconds"));
                }
            }
        }
        EventBody::ContentAdded(c) => validate_content(c)?,
        EventBody::CsatSet(c) if !c.csat.is_finite() => {
            return Err(EventError::new("csat", "must be a finite number"));
        }
        EventBody::HookLinked(h) if h.hook_type.is_empty() || h.hook_id.is_empty() => {
            return Err(EventError::new("hookType", "hookType and hookId must not be empty"));
        }
        _ => {}
    }
    Ok(())
}

fn validate_content(c: &ContentAdded) -> Result<(), EventError> {
    let uploaded = c.size.is_some() || c.sha256.is_some();
    match (&c.text, &c.data) {
        (Some(_), Some(_)) => return Err(EventError::new("data", "give either text or data, not both")),
        (Some(_), None) if uploaded => return Err(EventError::new("size", "text content has no size or sha256")),
        (Some(_), None) => return Ok(()),
        (None, Some(data)) => {
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .map_err(|e| EventError::new("data", format!("is not valid base64: {e}")))?;
            if uploaded {
                return Err(EventError::new("size", "size and sha256 are derived from data; omit them"));
            }
        }
        (None, None) if !uploaded => {
            return Err(EventError::new("text", "content needs text, base64 data, or an uploaded binary's size and sha256"))
        }
        (None, None) => {
            if c.size.is_none() {
                return Err(EventError::new("size", "an uploaded binary needs its size"));
            }
            let hex = c.sha256.as_deref().unwrap_or_default();
            if hex.len() != 64 || !hex.chars().all(|ch| ch.is_ascii_hexdigit() && !ch.is_ascii_uppercase()) {
                return Err(EventError::new("sha256", "must be 64 lowercase hex digits"));
            }
        }
    }
    if c.mime.is_none() {
        return Err(EventError::new("mime", "binary content needs a mime type"));
    }
    if c.content_id.is_none() {
        return Err(EventError::new("contentId", "binary content needs a contentId"));
    }
    Ok(())
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire<'a> {
            event_id: &'a EventId,
            interaction_id: &'a InteractionId,
            timestamp: Timestamp,
            #[serde(flatten)]
            body: &'a EventBody,
        }
        Wire {
            event_id: &self.event_id,
            interaction_id: &self.interaction_id,
            timestamp: self.timestamp,
            body: &self.body,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_event(Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check_error(event: Value, field: &str, message_part: &str) {
        let err = parse_event(event).unwrap_err();
        assert_eq!(err.field, field, "{err}");
        assert!(err.message.contains(message_part), "{err}");
    }

    fn started() -> Value {
        json!({"eventId": "e1", "type": "interaction-started", "interactionId": "i1",
               "timestamp": "2017-12-07T19:20:33.394Z", "channelType": "voice", "direction": "inbound"})
    }

    #[test]
    fn a_valid_event_round_trips_through_its_wire_form() {
        let event = parse_event(started()).unwrap();
        assert_eq!(event.body.type_name(), "interaction-started");
        let wire = serde_json::to_value(&event).unwrap();
        assert_eq!(wire, started());
        assert_eq!(parse_event(wire).unwrap(), event);
    }

    #[test]
    fn errors_name_the_field_at_fault() {
        let with = |key: &str, value: Value| {
            let mut e = started();
            e[key] = value;
            e
        };
        check_error(json!([1]), ".", "JSON object");
        check_error(with("eventId", json!(null)), "eventId", "missing");
        check_error(with("eventId", json!("a b")), "eventId", "only letters");
        check_error(with("timestamp", json!("yesterday")), "timestamp", "RFC 3339");
        check_error(with("interactionId", json!(7)), "interactionId", "expected a string");
        check_error(with("type", json!("interaction-begun")), "type", "unknown event type");
        check_error(with("channelType", json!("pigeon")), "channelType", "unknown variant");
        check_error(with("quueId", json!("q")), "quueId", "unknown field `quueId`");
        let mut no_direction = started();
        no_direction.as_object_mut().unwrap().remove("direction");
        check_error(no_direction, "direction", "missing field");
    }

    #[test]
    fn nested_fields_are_named_by_path() {
        let step = json!({"eventId": "e2", "type": "flow-step", "interactionId": "i1",
            "timestamp": "2017-12-07T19:20:34Z", "stepId": "p1",
            "choices": [{"id": "c1", "kind": "radio"}]});
        check_error(step, "choices[0].kind", "unknown variant");
        let queue = json!({"eventId": "e3", "type": "queue-entered", "interactionId": "i1",
            "timestamp": "2017-12-07T19:20:34Z", "queueLength": "three"});
        check_error(queue, "queueLength", "invalid type");
    }

    #[test]
    fn semantic_checks_cover_what_types_cannot() {
        let base = |extra: Value| {
            let mut e = json!({"eventId": "e4", "interactionId": "i1", "timestamp": "2017-12-07T19:20:34Z"});
            e.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            e
        };
        check_error(base(json!({"type": "queue-entered", "slaThreshold": 0})), "slaThreshold", "positive");
        check_error(
            base(json!({"type": "message", "participant": "bot", "text": "hi", "intentConfidence": 1.5})),
            "intentConfidence",
            "between 0 and 1",
        );
        check_error(base(json!({"type": "content-added", "data": "%%%", "mime": "image/png", "contentId": "p"})), "data", "base64");
        check_error(base(json!({"type": "content-added"})), "text", "needs text");
        check_error(base(json!({"type": "content-added", "mime": "image/png", "contentId": "p", "size": 3, "sha256": "ABC"})), "sha256", "64 lowercase hex");
    }

    #[test]
    fn only_imports_may_omit_the_interaction_id() {
        let mut e = started();
        e.as_object_mut().unwrap().remove("interactionId");
        check_error(e, "interactionId", "missing");
    }
}

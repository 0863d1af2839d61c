//! The event vocabulary, and the one function that turns raw JSON into an [`Event`].
//!
//! Every event has an envelope (`eventId`, `type`, `interactionId`, `timestamp`) and the
//! fields of its type, flat beside the envelope. Unknown fields are rejected rather than
//! dropped: an ingest API that silently ignores a misspelt `quueId` loses data without
//! anyone noticing. Error messages name the field (`queueLength: invalid type: ...`).
//!
//! # Layout
//! - this file: [`Event`], the list of types, [`parse_event`] and the checks serde's types
//!   cannot express;
//! - `payloads.rs`: the fields of each type (the event vocabulary of DESIGN.md, extended with
//!   `callerKeys` on `interaction-started`, uploaded binaries on `content-added`, and the
//!   flow-step pages, choices, photos and variables the visual-IVR hand-off needs).

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{EventId, InteractionId};
use crate::time::{Seconds, Timestamp};

mod payloads;
pub(crate) mod shape;
#[cfg(test)]
mod tests;

pub use payloads::*;

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
    ($($name:tt => $variant:ident($payload:ty),)*) => {
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
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Parses a new event, for ingestion: [`parse_event`], after refusing a NUL character
/// (U+0000) in any string or key, which PostgreSQL's text cannot hold (so both backends
/// refuse it alike). Events read back from a log are parsed by [`parse_event`] alone, so a
/// log an older version stored with one still reads.
pub fn parse_new_event(value: Value) -> Result<Event, EventError> {
    refuse_nul(&value)?;
    parse_event(value)
}

/// What a value holding a NUL character is told, wherever one is refused.
pub const NUL_REFUSED: &str = "must not contain a NUL character (U+0000)";

/// Refuses a NUL character (U+0000) in any string or key of `value`, naming where
/// (`customer.name`, `callerKeys[1].value`).
pub fn refuse_nul(value: &Value) -> Result<(), EventError> {
    match shape::nul_at(value) {
        Some(path) => Err(EventError::new(path, NUL_REFUSED)),
        None => Ok(()),
    }
}

/// Parses and validates one event. This is the way raw JSON becomes an [`Event`], for
/// ingestion (through [`parse_new_event`]) and for events read back from the log alike.
pub fn parse_event(value: Value) -> Result<Event, EventError> {
    let Value::Object(mut fields) = value else {
        return Err(EventError::new(".", "an event must be a JSON object"));
    };
    let event_id = take_string(&mut fields, "eventId")?
        .ok_or_else(|| EventError::new("eventId", "missing field `eventId`"))?;
    let event_id =
        EventId::parse(event_id).map_err(|e| EventError::new("eventId", e.to_string()))?;
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
    Ok(Event {
        event_id,
        interaction_id,
        timestamp,
        body,
    })
}

fn take_string(fields: &mut Map<String, Value>, name: &str) -> Result<Option<String>, EventError> {
    match fields.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(EventError::new(
            name,
            format!("expected a string, got {other}"),
        )),
    }
}

/// Deserializes one event type's fields, naming the field at fault on error.
fn parse_fields<T: serde::de::DeserializeOwned + Serialize>(
    mut fields: Value,
) -> Result<T, EventError> {
    let holds_arrays = shape::whole_numbers_as_integers(&mut fields);
    let given = holds_arrays.then(|| fields.clone());
    let parsed: T = deserialize_fields(fields)?;
    if let Some(given) = given {
        let back = serde_json::to_value(&parsed).expect("event payloads serialize");
        if let Some(path) = shape::array_for_object(&given, &back) {
            return Err(EventError::new(
                path,
                "invalid type: array, expected an object",
            ));
        }
    }
    Ok(parsed)
}

fn deserialize_fields<T: serde::de::DeserializeOwned>(fields: Value) -> Result<T, EventError> {
    serde_path_to_error::deserialize(fields).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // serde reports a missing field at its parent's path; name the field itself.
        let field = match message
            .strip_prefix("missing field `")
            .and_then(|m| m.split('`').next())
        {
            Some(missing) if path == "." => missing.to_string(),
            Some(missing) => format!("{path}.{missing}"),
            None => path,
        };
        EventError::new(field, message)
    })
}

/// Every event needs its interaction's id, except an import, whose record carries it.
fn resolve_interaction_id(
    given: Option<String>,
    body: &EventBody,
) -> Result<InteractionId, EventError> {
    let invalid = |e: crate::ids::IdError| EventError::new("interactionId", e.to_string());
    match (given, body) {
        (Some(raw), EventBody::InteractionImported(import)) => {
            let id = InteractionId::parse(raw).map_err(invalid)?;
            if id != import.record.interaction_id {
                return Err(EventError::new(
                    "record.interactionId",
                    format!("must equal the event's interactionId {:?}", id.as_str()),
                ));
            }
            Ok(id)
        }
        (Some(raw), _) => InteractionId::parse(raw).map_err(invalid),
        (None, EventBody::InteractionImported(import)) => Ok(import.record.interaction_id.clone()),
        (None, _) => Err(EventError::new(
            "interactionId",
            "missing field `interactionId`",
        )),
    }
}

/// Checks that serde's types cannot express.
fn validate_body(body: &EventBody) -> Result<(), EventError> {
    match body {
        EventBody::QueueEntered(q) if q.sla_threshold.is_some_and(|t| t <= Seconds::ZERO) => {
            return Err(EventError::new(
                "slaThreshold",
                "must be a positive number of seconds",
            ));
        }
        EventBody::Message(m) => {
            if m.intent_confidence
                .is_some_and(|c| !(0.0..=1.0).contains(&c))
            {
                return Err(EventError::new(
                    "intentConfidence",
                    "must be between 0 and 1",
                ));
            }
            for (name, offset) in [("startOffset", m.start_offset), ("endOffset", m.end_offset)] {
                if offset.is_some_and(|o| !o.is_finite() || o < 0.0) {
                    return Err(EventError::new(
                        name,
                        "must be a non-negative number of seconds",
                    ));
                }
            }
        }
        EventBody::ContentAdded(c) => validate_content(c)?,
        EventBody::CsatSet(c) if !c.csat.is_finite() => {
            return Err(EventError::new("csat", "must be a finite number"));
        }
        EventBody::HookLinked(h) if h.hook_type.is_empty() || h.hook_id.is_empty() => {
            return Err(EventError::new(
                "hookType",
                "hookType and hookId must not be empty",
            ));
        }
        _ => {}
    }
    Ok(())
}

fn validate_content(c: &ContentAdded) -> Result<(), EventError> {
    let uploaded = c.size.is_some() || c.sha256.is_some();
    match (&c.text, &c.data) {
        (Some(_), Some(_)) => {
            return Err(EventError::new(
                "data",
                "give either text or data, not both",
            ))
        }
        (Some(_), None) if uploaded => {
            return Err(EventError::new(
                "size",
                "text content has no size or sha256",
            ))
        }
        (Some(_), None) => return Ok(()),
        (None, Some(data)) => {
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .map_err(|e| EventError::new("data", format!("is not valid base64: {e}")))?;
            if uploaded {
                return Err(EventError::new(
                    "size",
                    "size and sha256 are derived from data; omit them",
                ));
            }
        }
        (None, None) if !uploaded => {
            return Err(EventError::new(
                "text",
                "content needs text, base64 data, or an uploaded binary's size and sha256",
            ))
        }
        (None, None) => {
            if c.size.is_none() {
                return Err(EventError::new("size", "an uploaded binary needs its size"));
            }
            let hex = c.sha256.as_deref().unwrap_or_default();
            if hex.len() != 64
                || !hex
                    .chars()
                    .all(|ch| ch.is_ascii_hexdigit() && !ch.is_ascii_uppercase())
            {
                return Err(EventError::new("sha256", "must be 64 lowercase hex digits"));
            }
        }
    }
    if c.mime.is_none() {
        return Err(EventError::new("mime", "binary content needs a mime type"));
    }
    if c.content_id.is_none() {
        return Err(EventError::new(
            "contentId",
            "binary content needs a contentId",
        ));
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

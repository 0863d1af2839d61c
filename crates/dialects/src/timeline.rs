//! A vendor record told again as canonical lifecycle events, so that an importer of a flat
//! record (Amazon Connect's contact records, Genesys Cloud's conversations) gets its
//! timeline and every statistic from the one projection instead of computing them; and
//! `raw_event`, the events route's JSON shape that the sources posting live events (the
//! queue log, TaskRouter) write.

use interlog_core::{
    parse_new_event, project, Event, Interaction, InteractionId, TenantId, Timestamp,
};
use serde_json::{json, Value};

use crate::ImportError;

/// A raw JSON event (the events route's shape): the envelope, and `fields` (an object of
/// the type's fields) without their nulls.
pub(crate) fn raw_event(
    id: &str,
    kind: &str,
    interaction: &str,
    at: Timestamp,
    fields: Value,
) -> Value {
    let mut event = json!({"eventId": id, "type": kind, "interactionId": interaction,
        "timestamp": at});
    if let (Some(event), Value::Object(fields)) = (event.as_object_mut(), fields) {
        event.extend(fields.into_iter().filter(|(_, v)| !v.is_null()));
    }
    event
}

/// Events of one interaction, in the order told (the projection sorts them by time).
pub struct Timeline {
    id: InteractionId,
    events: Vec<Event>,
}

impl Timeline {
    pub fn new(id: InteractionId) -> Self {
        Self {
            id,
            events: Vec::new(),
        }
    }

    /// Adds a `kind` event at `at` with `fields` (an object of that type's fields).
    pub fn push(&mut self, kind: &str, at: Timestamp, fields: Value) -> Result<(), ImportError> {
        let id = format!("{}-{}", self.id.as_str(), self.events.len());
        let raw = raw_event(&id, kind, self.id.as_str(), at, fields);
        let event = parse_new_event(raw).map_err(|e| ImportError::new(kind, e.to_string()))?;
        self.events.push(event);
        Ok(())
    }

    /// The record the projection makes of these events.
    pub fn project(&self, tenant: &TenantId) -> Interaction {
        project(tenant, &self.id, &self.events)
    }
}

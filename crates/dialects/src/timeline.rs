//! A vendor record told again as canonical lifecycle events, so that an importer of a flat
//! record (Amazon Connect's contact records, Genesys Cloud's conversations) gets its
//! timeline and every statistic from the one projection instead of computing them.

use interlog_core::{parse_event, project, Event, Interaction, InteractionId, TenantId, Timestamp};
use serde_json::{json, Value};

use crate::ImportError;

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
        let mut raw = json!({
            "eventId": format!("{}-{}", self.id.as_str(), self.events.len()),
            "type": kind,
            "interactionId": self.id.as_str(),
            "timestamp": at,
        });
        if let (Some(raw), Value::Object(fields)) = (raw.as_object_mut(), fields) {
            raw.extend(fields);
        }
        let event = parse_event(raw).map_err(|e| ImportError::new(kind, e.to_string()))?;
        self.events.push(event);
        Ok(())
    }

    /// The record the projection makes of these events.
    pub fn project(&self, tenant: &TenantId) -> Interaction {
        project(tenant, &self.id, &self.events)
    }
}

//! One interaction's raw events as they are built, each numbered and timestamped.

use serde_json::{json, Value};

fn timestamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Builds one interaction's events, in order.
pub(crate) struct Builder {
    pub(crate) id: String,
    pub(crate) events: Vec<Value>,
}

impl Builder {
    pub(crate) fn push(&mut self, kind: &str, at: i64, fields: Value) {
        let mut event = json!({"eventId": format!("{}-{}", self.id, self.events.len()), "type": kind,
            "interactionId": self.id, "timestamp": timestamp(at)});
        if let (Some(target), Value::Object(extra)) = (event.as_object_mut(), fields) {
            target.extend(extra);
        }
        self.events.push(event);
    }
}

//! The `Event` schema as the server parses it. utoipa describes an event as the envelope
//! `allOf` the type's fields, each part closed (`additionalProperties: false`, from
//! `deny_unknown_fields`), which no object can satisfy: the envelope forbids the type's
//! fields and the reverse. Here each event type becomes one flat, closed object (envelope,
//! `type` and the type's fields) and `Event` is the `oneOf` of them.

use serde_json::{json, Map, Value};
use utoipa::openapi::OpenApi;

/// The event type whose record carries the interaction id, so the envelope need not.
const IMPORTED: &str = "interaction-imported";

/// Replaces `Event` (and the `EventBody` it was built from) in `document`'s components.
pub(crate) fn flatten(document: &mut OpenApi) {
    let Some(components) = document.components.as_mut() else {
        return;
    };
    let schemas = serde_json::to_value(&components.schemas).expect("schemas serialize");
    let event = flat_event(&schemas);
    components.schemas.insert(
        "Event".into(),
        serde_json::from_value(event).expect("a schema built from schemas"),
    );
    components.schemas.remove("EventBody");
}

fn flat_event(schemas: &Value) -> Value {
    let mut envelope = Part::of(schemas, &schemas["Event"], &["EventBody"]);
    envelope.required.retain(|name| name != "interactionId");
    let variants: Vec<Value> = schemas["EventBody"]["oneOf"]
        .as_array()
        .expect("EventBody is a oneOf of the event types")
        .iter()
        .map(|variant| {
            let type_name = type_name(variant);
            let mut part = envelope.clone();
            part.extend(Part::of(schemas, variant, &[]));
            if type_name != IMPORTED {
                part.require("interactionId");
            }
            part.closed_object()
        })
        .collect();
    json!({
        "description": "One event as posted: the envelope (eventId, interactionId, timestamp), \
                        its `type`, and the fields of that type; nothing else.",
        "oneOf": variants,
    })
}

/// The wire name a variant's `type` property is fixed to.
fn type_name(variant: &Value) -> &str {
    variant["allOf"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|part| part["properties"]["type"]["enum"][0].as_str())
        .expect("each event type fixes its `type`")
}

/// The properties and required names of an object schema, through `$ref`s and `allOf`s.
#[derive(Clone, Default)]
struct Part {
    properties: Map<String, Value>,
    required: Vec<String>,
}

impl Part {
    /// `skip` names components not to descend into.
    fn of(schemas: &Value, schema: &Value, skip: &[&str]) -> Self {
        let mut part = Part::default();
        if let Some(reference) = schema["$ref"].as_str() {
            let name = reference.trim_start_matches("#/components/schemas/");
            if !skip.contains(&name) {
                part.extend(Part::of(schemas, &schemas[name], skip));
            }
        }
        for inner in schema["allOf"].as_array().into_iter().flatten() {
            part.extend(Part::of(schemas, inner, skip));
        }
        if let Some(properties) = schema["properties"].as_object() {
            part.properties
                .extend(properties.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        for name in schema["required"].as_array().into_iter().flatten() {
            part.require(name.as_str().unwrap_or_default());
        }
        part
    }

    fn extend(&mut self, other: Part) {
        self.properties.extend(other.properties);
        for name in other.required {
            self.require(&name);
        }
    }

    fn require(&mut self, name: &str) {
        if !self.required.iter().any(|n| n == name) {
            self.required.push(name.to_string());
        }
    }

    fn closed_object(self) -> Value {
        json!({
            "type": "object",
            "properties": self.properties,
            "required": self.required,
            "additionalProperties": false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_is_one_closed_object_with_the_envelope() {
        let schemas = json!({
            "Event": {"allOf": [
                {"$ref": "#/components/schemas/EventBody"},
                {"type": "object", "required": ["eventId"], "properties": {
                    "eventId": {"type": "string"}, "interactionId": {"type": "string"}}},
            ]},
            "EventBody": {"oneOf": [
                {"allOf": [
                    {"$ref": "#/components/schemas/Note"},
                    {"type": "object", "required": ["type"],
                     "properties": {"type": {"type": "string", "enum": ["note-added"]}}},
                ]},
                {"allOf": [
                    {"type": "object", "properties": {"record": {"type": "object"}}},
                    {"type": "object", "required": ["type"],
                     "properties": {"type": {"type": "string", "enum": [IMPORTED]}}},
                ]},
            ]},
            "Note": {"type": "object", "additionalProperties": false, "required": ["text"],
                     "properties": {"text": {"type": "string"}}},
        });
        let event = flat_event(&schemas);
        let note = &event["oneOf"][0];
        assert_eq!(note["additionalProperties"], false);
        assert_eq!(
            note["required"],
            json!(["eventId", "text", "type", "interactionId"])
        );
        assert_eq!(note["properties"]["type"]["enum"], json!(["note-added"]));
        let imported = &event["oneOf"][1];
        assert_eq!(imported["required"], json!(["eventId", "type"]));
        assert!(imported["properties"]["record"].is_object());
    }
}

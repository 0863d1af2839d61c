//! What the derived document cannot say by itself, said after it is built, so that it
//! describes exactly what the server accepts:
//!
//! - **Events.** utoipa describes an event as the envelope `allOf` the type's fields, each
//!   part closed (`additionalProperties: false`, from `deny_unknown_fields`), which no
//!   object can satisfy. Each event type becomes one flat, closed object (envelope, `type`
//!   and the type's fields) and `Event` is the `oneOf` of them; `content-added` is three,
//!   one per kind of content (`validate_content` in interlog-core).
//! - **Unsigned integers.** utoipa writes `u32` as `int32` (whose range JSON Schema tools
//!   take as signed) and `u64` as `int64`; they become `uint32`/`uint64` with their maximum.

use serde_json::{json, Map, Value};
use utoipa::openapi::OpenApi;

/// The event type whose record carries the interaction id, so the envelope need not.
const IMPORTED: &str = "interaction-imported";

/// Standard base64 with padding and canonical trailing bits, as the server decodes `data`.
const BASE64: &str = "^(?:[A-Za-z0-9+/]{4})*\
                      (?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$";

/// The document, refined as the module says.
pub(crate) fn refine(document: OpenApi) -> OpenApi {
    let mut value = serde_json::to_value(&document).expect("the document serializes");
    let schemas = &mut value["components"]["schemas"];
    let event = flat_event(schemas);
    schemas["Event"] = event;
    if let Some(schemas) = schemas.as_object_mut() {
        schemas.remove("EventBody");
    }
    unsigned_integers(&mut value);
    serde_json::from_value(value).expect("a refined document is a document")
}

/// `int32`/`int64` with minimum 0 (utoipa's `u32`/`u64`) get their unsigned range (a
/// maximum a field states is kept).
fn unsigned_integers(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let unsigned = object.get("minimum") == Some(&json!(0));
            let range = match object.get("format").and_then(Value::as_str) {
                Some("int32") if unsigned => Some(("uint32", json!(u32::MAX))),
                Some("int64") if unsigned => Some(("uint64", json!(u64::MAX))),
                _ => None,
            };
            if let Some((format, maximum)) = range {
                object.insert("format".into(), json!(format));
                object.entry("maximum").or_insert(maximum);
            }
            object.values_mut().for_each(unsigned_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(unsigned_integers),
        _ => {}
    }
}

fn flat_event(schemas: &Value) -> Value {
    let mut envelope = Part::of(schemas, &schemas["Event"], &["EventBody"]);
    envelope.required.retain(|name| name != "interactionId");
    let variants: Vec<Value> = schemas["EventBody"]["oneOf"]
        .as_array()
        .expect("EventBody is a oneOf of the event types")
        .iter()
        .flat_map(|variant| {
            let type_name = type_name(variant);
            let mut part = envelope.clone();
            part.extend(Part::of(schemas, variant, &[]));
            if type_name == IMPORTED {
                let given = part.properties["interactionId"].take();
                part.properties["interactionId"] = json!({"oneOf": [{"type": "null"}, given]});
            } else {
                part.require("interactionId");
            }
            match type_name {
                "content-added" => content_kinds(part),
                _ => vec![part.closed_object()],
            }
        })
        .collect();
    json!({
        "description": "One event as posted: the envelope (eventId, interactionId, timestamp), \
                        its `type`, and the fields of that type; nothing else.",
        "oneOf": variants,
    })
}

/// `content-added` as its three kinds: text, inline base64 `data`, or an uploaded binary
/// (`size` and `sha256`); a binary needs its `mime` and `contentId`. A field of another kind
/// may only be null (which the server takes as absent).
fn content_kinds(event: Part) -> Vec<Value> {
    let kind = |given: &[&str], absent: &[&str]| {
        let mut part = event.clone();
        for name in given {
            part.require(name);
            not_null(&mut part.properties[*name]);
        }
        for name in absent {
            part.properties
                .insert(name.to_string(), json!({"type": "null"}));
        }
        part
    };
    let text = kind(&["text"], &["data", "size", "sha256"]);
    let mut inline = kind(&["data", "mime", "contentId"], &["text", "size", "sha256"]);
    inline.properties["data"] = json!({"type": "string", "pattern": BASE64});
    let mut uploaded = kind(&["size", "sha256", "mime", "contentId"], &["text", "data"]);
    uploaded.properties["sha256"] = json!({"type": "string", "pattern": "^[0-9a-f]{64}$"});
    [text, inline, uploaded]
        .into_iter()
        .map(Part::closed_object)
        .collect()
}

/// A required field must not be null: `["string", "null"]` becomes `"string"`.
fn not_null(schema: &mut Value) {
    let types: Vec<Value> = schema["type"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| *t != "null")
        .cloned()
        .collect();
    if let [only] = &types[..] {
        schema["type"] = only.clone();
    }
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

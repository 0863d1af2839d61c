//! Parsing and validation, one rule per test.

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
    check_error(
        with("timestamp", json!("yesterday")),
        "timestamp",
        "RFC 3339",
    );
    check_error(
        with("interactionId", json!(7)),
        "interactionId",
        "expected a string",
    );
    check_error(
        with("type", json!("interaction-begun")),
        "type",
        "unknown event type",
    );
    check_error(
        with("channelType", json!("pigeon")),
        "channelType",
        "unknown variant",
    );
    check_error(
        with("quueId", json!("q")),
        "quueId",
        "unknown field `quueId`",
    );
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
        let mut e =
            json!({"eventId": "e4", "interactionId": "i1", "timestamp": "2017-12-07T19:20:34Z"});
        e.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        e
    };
    check_error(
        base(json!({"type": "queue-entered", "slaThreshold": 0})),
        "slaThreshold",
        "positive",
    );
    check_error(
        base(
            json!({"type": "message", "participant": "bot", "text": "hi", "intentConfidence": 1.5}),
        ),
        "intentConfidence",
        "between 0 and 1",
    );
    check_error(
        base(
            json!({"type": "content-added", "data": "%%%", "mime": "image/png", "contentId": "p"}),
        ),
        "data",
        "base64",
    );
    check_error(base(json!({"type": "content-added"})), "text", "needs text");
    check_error(
        base(
            json!({"type": "content-added", "mime": "image/png", "contentId": "p", "size": 3, "sha256": "ABC"}),
        ),
        "sha256",
        "64 lowercase hex",
    );
}

#[test]
fn only_imports_may_omit_the_interaction_id() {
    let mut e = started();
    e.as_object_mut().unwrap().remove("interactionId");
    check_error(e, "interactionId", "missing");
}

#[test]
fn a_new_event_with_a_nul_anywhere_is_refused_naming_where_and_a_stored_one_still_reads() {
    let nul_at = |event: Value| parse_new_event(event).unwrap_err().field;
    let mut event = started();
    event["customer"] = json!({"name": "A\u{0}B"});
    assert_eq!(nul_at(event.clone()), "customer.name");
    assert!(
        parse_event(event).is_ok(),
        "a log already holding one reads"
    );
    let mut event = started();
    event["callerKeys"] =
        json!([{"type": "phone", "value": "1"}, {"type": "phone", "value": "\u{0}"}]);
    assert_eq!(nul_at(event), "callerKeys[1].value");
    let mut event = started();
    event["attributes"] = json!({"a\u{0}b": "x"});
    assert_eq!(nul_at(event), "attributes.a\\0b");
    let mut event = started();
    event["eventId"] = json!("e\u{0}");
    assert_eq!(nul_at(event), "eventId");
    assert!(parse_new_event(started()).is_ok());
}

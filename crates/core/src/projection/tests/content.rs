//! Events that fill the record's content, and imported records.

use serde_json::{json, Value};

use super::*;

#[test]
fn content_events_fill_the_record() {
    let mut specs = messages_and_attributes();
    specs.extend(content_flow_and_wrap_up());
    let rec = run(&specs);
    assert_eq!(
        rec.messages.len(),
        2,
        "a repeated messageId replaces the message"
    );
    assert_eq!(rec.messages[1].text, "I can help you");
    assert_eq!(rec.messages[0].message_id, "e1");
    assert_eq!(
        rec.attributes,
        serde_json::from_value(json!({"lang": "en", "case": 42})).unwrap()
    );
    let photo = &rec.content.binaries[0];
    assert_eq!(
        (photo.size, photo.sha256.as_str()),
        (
            5,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        )
    );
    assert_eq!(
        rec.content.structured_text.as_ref().unwrap().mime,
        "text/xml"
    );
    assert_eq!(rec.variable_sets["voice"]["pin"], json!("1234"));
    assert_eq!(rec.caller_keys.dtmf.as_deref(), Some("959595"));
    assert_eq!(
        rec.disposition.as_ref().unwrap().name.as_deref(),
        Some("Resolved")
    );
}

#[test]
fn an_import_is_the_base_and_gets_its_statistics_by_the_same_rules() {
    let mut record = run(&worked_example());
    record.statistics = Default::default();
    let import = parse_event(json!({"eventId": "imp", "type": "interaction-imported",
        "timestamp": "2017-12-07T19:30:00Z", "record": record}))
    .unwrap();
    let rec = project(
        &TenantId::parse("t1").unwrap(),
        &import.interaction_id.clone(),
        &[import],
    );
    assert_eq!(rec.statistics.interaction_time, secs(94_244));
    assert_eq!(rec.queues[0].queue_time, secs(93_993));
}

/// The first half of the content story: a chat, its messages (one replaced) and attributes.
fn messages_and_attributes() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "interaction-started",
            "00.000",
            json!({"channelType": "chat", "direction": "inbound",
            "attributes": {"lang": "en", "tier": "gold"}}),
        ),
        (
            "message",
            "01.000",
            json!({"participant": "customer", "text": "my card is lost",
            "sentiment": "negative", "intent": "lost-card", "intentConfidence": 0.92}),
        ),
        (
            "message",
            "02.000",
            json!({"participant": "agent", "text": "I can help",
            "agent": {"id": "a1", "name": "Ann"}, "messageId": "m2"}),
        ),
        (
            "message",
            "03.000",
            json!({"participant": "agent", "text": "I can help you", "messageId": "m2"}),
        ),
    ]
}

/// The second half: attribute changes, binaries, a flow step, caller keys, disposition, end.
fn content_flow_and_wrap_up() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "attributes-set",
            "04.000",
            json!({"attributes": {"tier": null, "case": 42}}),
        ),
        (
            "content-added",
            "05.000",
            json!({"contentId": "p1", "kind": "photo", "mime": "image/png", "data": "aGVsbG8="}),
        ),
        (
            "content-added",
            "05.500",
            json!({"text": "<a/>", "mime": "text/xml"}),
        ),
        (
            "flow-step",
            "06.000",
            json!({"stepId": "s1", "title": "Card", "variables": {"voice": {"pin": "1234"}},
            "choices": [{"id": "c1", "kind": "option", "label": "Lost", "selected": true}]}),
        ),
        (
            "caller-keys-set",
            "07.000",
            json!({"callerKeys": {"dtmf": "959595"}}),
        ),
        (
            "disposition-set",
            "08.000",
            json!({"disposition": {"id": "d1", "name": "Resolved"}}),
        ),
        ("interaction-ended", "09.000", json!({})),
    ]
}

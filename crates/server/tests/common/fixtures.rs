//! Shared tenants: small, varied data sets that more than one test binary reads.

use serde_json::{json, Value};

use super::event;

/// A small varied tenant: who, where, when and what each interaction is.
///
/// v1 (day 1, voice, alice, ann, billing, ended), v2 (day 2, voice outbound, bob, ann,
/// active), c1 (day 3, chat, alice, ben, support, ended), s1 (day 4, sms, carol, DTMF 4567,
/// ended), e1 (day 5, email internal, bob, ended).
pub fn small_tenant() -> Value {
    let mut events = Vec::new();
    let v1_steps = vec![
        ("queue-entered", json!({"queueId": "billing"})),
        ("agent-allocated", json!({"agentId": "ann"})),
        (
            "message",
            json!({"participant": "customer", "text": "my invoice is wrong"}),
        ),
    ];
    events.extend(interaction(
        ("v1", 1),
        ["voice", "inbound", "alice"],
        v1_steps,
        true,
    ));
    let v2_steps = vec![("agent-allocated", json!({"agentId": "ann"}))];
    events.extend(interaction(
        ("v2", 2),
        ["voice", "outbound", "bob"],
        v2_steps,
        false,
    ));
    let c1_steps = vec![
        ("queue-entered", json!({"queueId": "support"})),
        ("agent-allocated", json!({"agentId": "ben"})),
        ("note-added", json!({"text": "refund promised"})),
    ];
    events.extend(interaction(
        ("c1", 3),
        ["chat", "inbound", "alice"],
        c1_steps,
        true,
    ));
    let s1_steps = vec![("caller-keys-set", json!({"callerKeys": {"dtmf": "4567"}}))];
    events.extend(interaction(
        ("s1", 4),
        ["sms", "inbound", "carol"],
        s1_steps,
        true,
    ));
    let e1_steps = vec![("hold-ended", json!({}))];
    events.extend(interaction(
        ("e1", 5),
        ["email", "internal", "bob"],
        e1_steps,
        true,
    ));
    json!(events)
}

/// One interaction of `small_tenant` on 2024-05-0`day`: started at 10:00 on `channel`,
/// `direction`, for `customer`; its steps a minute apart; ended at 10:30 when `ended`.
fn interaction(
    (id, day): (&str, u32),
    [channel, direction, customer]: [&str; 3],
    steps: Vec<(&str, Value)>,
    ended: bool,
) -> Vec<Value> {
    let at = |m: u32| format!("2024-05-0{day}T10:{m:02}:00Z");
    let mut events = vec![event(
        &format!("{id}-s"),
        "interaction-started",
        id,
        &at(0),
        json!({
        "channelType": channel, "direction": direction, "customer": {"id": customer}, "subject": format!("subject of {id}")}),
    )];
    for (n, (kind, fields)) in steps.into_iter().enumerate() {
        events.push(event(
            &format!("{id}-{n}"),
            kind,
            id,
            &at(n as u32 + 1),
            fields,
        ));
    }
    if ended {
        events.push(event(
            &format!("{id}-e"),
            "interaction-ended",
            id,
            &at(30),
            json!({}),
        ));
    }
    events
}

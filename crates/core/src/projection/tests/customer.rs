//! The customer's figures of CxEngage's data dictionary: IVR and hold abandons, conversation
//! and third-party time, and `updated`.

use serde_json::json;

use super::*;

#[test]
fn leaving_before_any_queue_or_agent_is_an_ivr_abandon() {
    let rec = run(&[
        ("interaction-started", "00.000", voice()),
        ("customer-disconnected", "12.345", json!({})),
        ("interaction-ended", "13.000", json!({})),
    ]);
    let s = &rec.statistics;
    assert!(s.ivr_abandoned);
    assert_eq!(s.ivr_abandon_time, secs(12_345));
    assert_eq!(s.customer_conversation_time, None, "no agent");
}

#[test]
fn leaving_from_a_queue_is_not_an_ivr_abandon() {
    let s = run(&worked_example()).statistics;
    assert!(!s.ivr_abandoned);
    assert_eq!(s.ivr_abandon_time, None);
    assert!(!s.customer_hold_abandoned);
    assert_eq!((s.third_party_time, s.updated), (None, None));
}

#[test]
fn an_interaction_the_system_ends_in_the_ivr_is_not_abandoned() {
    let s = run(&[
        ("interaction-started", "00.000", voice()),
        ("interaction-ended", "30.000", json!({})),
    ])
    .statistics;
    assert!(!s.ivr_abandoned);
}

#[test]
fn leaving_while_held_is_a_hold_abandon_and_ends_the_conversation() {
    let rec = run(&[
        ("interaction-started", "00.000", voice()),
        ("agent-allocated", "05.000", json!({"agentId": "a1"})),
        ("hold-started", "20.000", json!({"agentId": "a1"})),
        ("customer-disconnected", "50.000", json!({})),
        ("agent-deallocated", "1:10.000", json!({"agentId": "a1"})),
        ("interaction-ended", "1:10.000", json!({})),
    ]);
    let s = &rec.statistics;
    assert!(s.customer_hold_abandoned);
    assert!(!s.ivr_abandoned);
    assert_eq!(s.hold_time, Seconds::from_millis(30_000));
    assert_eq!(
        s.customer_conversation_time,
        secs(45_000),
        "from the allocation until the customer left, wrap-up excluded"
    );
}

#[test]
fn a_hold_that_ended_before_the_customer_left_is_not_abandoned() {
    let s = run(&[
        ("interaction-started", "00.000", voice()),
        ("agent-allocated", "05.000", json!({"agentId": "a1"})),
        ("hold-started", "10.000", json!({"agentId": "a1"})),
        ("hold-ended", "15.000", json!({"agentId": "a1"})),
        ("customer-disconnected", "20.000", json!({})),
        ("interaction-ended", "20.000", json!({})),
    ])
    .statistics;
    assert!(!s.customer_hold_abandoned);
    assert_eq!(s.customer_conversation_time, secs(15_000));
}

#[test]
fn conversation_counts_overlapping_agents_once_and_not_the_gaps() {
    let rec = run(&[
        ("interaction-started", "00.000", voice()),
        ("agent-allocated", "10.000", json!({"agentId": "a1"})),
        (
            "participant-add-started",
            "20.000",
            json!({"agentId": "a1", "toAgentId": "a2"}),
        ),
        ("agent-allocated", "25.000", json!({"agentId": "a2"})),
        (
            "participant-add-ended",
            "25.000",
            json!({"outcome": "success"}),
        ),
        ("agent-deallocated", "40.000", json!({"agentId": "a1"})),
        ("agent-deallocated", "45.000", json!({"agentId": "a2"})),
        ("agent-allocated", "50.000", json!({"agentId": "a3"})),
        ("interaction-ended", "55.000", json!({})),
    ]);
    let s = &rec.statistics;
    assert_eq!(s.customer_conversation_time, secs(35_000 + 5_000));
    assert_eq!(
        s.third_party_time,
        secs(35_000),
        "the add-participant segment, 20 s until the end at 55 s"
    );
}

#[test]
fn a_cancelled_add_participant_is_no_third_party_time() {
    let s = run(&[
        ("interaction-started", "00.000", voice()),
        ("agent-allocated", "05.000", json!({"agentId": "a1"})),
        (
            "participant-add-started",
            "20.000",
            json!({"agentId": "a1", "toAgentId": "a2"}),
        ),
        (
            "participant-add-ended",
            "30.000",
            json!({"outcome": "cancelled"}),
        ),
        ("interaction-ended", "40.000", json!({})),
    ])
    .statistics;
    assert_eq!(s.third_party_time, None);
}

#[test]
fn updated_is_the_latest_change_after_the_end() {
    let ended = [
        ("interaction-started", "00.000", voice()),
        ("agent-allocated", "05.000", json!({"agentId": "a1"})),
        ("interaction-ended", "30.000", json!({})),
    ];
    assert_eq!(run(&ended).statistics.updated, None);
    let mut late = ended.to_vec();
    late.push(("note-added", "45.000", json!({"text": "called back"})));
    late.push(("agent-deallocated", "40.000", json!({"agentId": "a1"})));
    // Ignored after the end: no change.
    late.push(("hold-started", "50.000", json!({})));
    let rec = run(&late);
    assert_eq!(
        rec.statistics.updated.map(|t| t.format(3)),
        Some(timestamp("45.000"))
    );
}

#[test]
fn flags_carry_the_time_of_the_event_that_raised_them() {
    let rec = run(&[
        ("interaction-started", "00.000", voice()),
        ("interaction-ended", "10.000", json!({})),
        ("hold-started", "12.500", json!({})),
    ]);
    let late = rec.flags.iter().find(|f| f.code == "event-after-end");
    assert_eq!(
        late.and_then(|f| f.timestamp).map(|t| t.format(3)),
        Some(timestamp("12.500"))
    );
}
